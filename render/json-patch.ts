import { isObject } from "../config/readers";
import { fingerprint } from "./yaml";

/** One RFC 6902 operation, as kustomize's `patches` read them. */
export type PatchOp =
  | { readonly op: "add" | "replace"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string };

/** RFC 6901: `~` and `/` in a key (label keys like `istio.io/use-waypoint`) are escaped. */
export function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/**
 * The operations that turn `from` into `to`: objects are compared key by key (keys sorted, so the patch is
 * deterministic), lists of the same length item by item, and anything else that differs is replaced whole.
 */
export function diffPatch(from: unknown, to: unknown, path: (string | number)[] = []): PatchOp[] {
  if (fingerprint(from) === fingerprint(to)) return [];
  if (isObject(from) && isObject(to)) {
    const ops: PatchOp[] = [];
    for (const k of [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()) {
      if (!(k in to)) ops.push({ op: "remove", path: pointer([...path, k]) });
      else if (!(k in from)) ops.push({ op: "add", path: pointer([...path, k]), value: to[k] });
      else ops.push(...diffPatch(from[k], to[k], [...path, k]));
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    return from.flatMap((item, i) => diffPatch(item, to[i], [...path, i]));
  }
  return [{ op: "replace", path: pointer(path), value: to }];
}

function unescape(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Applies operations to a deep copy of `doc`, the way kustomize does; throws on a path that does not exist. */
export function applyPatch(doc: unknown, ops: readonly PatchOp[]): unknown {
  const root = { doc: structuredClone(doc) } as Record<string, unknown>;
  for (const op of ops) {
    const tokens = ["doc", ...(op.path === "" ? [] : op.path.slice(1).split("/").map(unescape))];
    let parent: unknown = root;
    for (const t of tokens.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(t)] : isObject(parent) ? parent[t] : undefined;
      if (parent === undefined) throw new Error(`patch ${op.op} ${op.path}: no such path`);
    }
    const last = tokens[tokens.length - 1];
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (op.op === "add") parent.splice(i, 0, structuredClone(op.value));
      else if (op.op === "replace") parent[i] = structuredClone(op.value);
      else parent.splice(i, 1);
    } else if (isObject(parent)) {
      if (op.op !== "add" && !(last in parent)) throw new Error(`patch ${op.op} ${op.path}: no such path`);
      if (op.op === "remove") delete parent[last];
      else parent[last] = structuredClone(op.value);
    } else throw new Error(`patch ${op.op} ${op.path}: no such path`);
  }
  return root.doc;
}
