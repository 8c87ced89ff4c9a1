import * as path from "path";
import { applyPatch, Operation } from "rfc6902";
import { Tree } from "../../render/files";
import { fromYaml } from "../../render/yaml";

interface Kustomization {
  resources?: string[];
  patches?: {
    path: string;
    target: { group?: string; version: string; kind: string; namespace?: string; name: string };
  }[];
}

// Each distinct file content is parsed once, however many overlays and trees hold it; frozen, since every build
// shares it (a patch applies to a copy).
const parsed = new Map<string, unknown>();

function read(tree: Tree, file: string): unknown {
  const text = tree.get(file);
  if (text === undefined) throw new Error(`${file} is referenced but not in the tree`);
  if (!parsed.has(text)) parsed.set(text, deepFreeze(fromYaml(text)));
  return parsed.get(text);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function matches(target: NonNullable<Kustomization["patches"]>[number]["target"], m: Record<string, unknown>): boolean {
  const meta = m.metadata as Record<string, unknown>;
  const re = (s: string) => new RegExp(`^(?:${s})$`);
  const apiVersion = target.group ? `${target.group}/${target.version}` : target.version;
  return (
    m.apiVersion === apiVersion &&
    m.kind === target.kind &&
    re(target.name).test(String(meta.name)) &&
    (target.namespace === undefined ||
      re(target.namespace).test(typeof meta.namespace === "string" ? meta.namespace : ""))
  );
}

/**
 * A test oracle: what `kubectl kustomize <dir>` yields for a rendered tree, for the subset of kustomize the
 * render writes (resources, directories, JSON patches with a target). Unit and property tests of the layout
 * use it where spawning kubectl thousands of times would be too slow; tests/kustomize-invariant.test.ts checks
 * that it agrees with the real kustomize.
 */
export function buildKustomization(tree: Tree, dir: string): Record<string, unknown>[] {
  const k = read(tree, `${dir}/kustomization.yaml`) as Kustomization;
  const objects: Record<string, unknown>[] = [];
  for (const r of k.resources ?? []) {
    const ref = path.posix.normalize(`${dir}/${r}`);
    if (tree.has(`${ref}/kustomization.yaml`)) objects.push(...buildKustomization(tree, ref));
    else objects.push(read(tree, ref) as Record<string, unknown>);
  }
  for (const p of k.patches ?? []) {
    const ops = read(tree, path.posix.normalize(`${dir}/${p.path}`)) as Operation[];
    const hits = objects.map((m, i) => [m, i] as const).filter(([m]) => matches(p.target, m));
    if (hits.length !== 1) throw new Error(`${dir}: patch ${p.path} matches ${hits.length} objects, expected 1`);
    const patched = structuredClone(hits[0][0]);
    const failed = applyPatch(patched, ops).find((r) => r !== null);
    if (failed) throw new Error(`${dir}: patch ${p.path}: ${failed.message}`);
    objects[hits[0][1]] = patched;
  }
  return objects;
}
