import { Document, isMap, isPair, isScalar, isSeq, Node, parse, parseDocument, Scalar, visit } from "yaml";
import { goReadsAsNumber } from "./go-yaml";
import { controlCharacterProblems } from "./control-characters";
import { isObject } from "./readers";

/**
 * Checks a stack file's text (or the document already parsed from it) for values the render and the Pulumi CLI would read differently, or that must
 * not be in it at all. The CLI reads stack files with Go's gopkg.in/yaml.v3, whose plain scalars follow
 * neither YAML 1.1 nor 1.2 exactly (it parses ints with strconv.ParseInt base 0: `010` is 8, `1_000` is 1000,
 * `-0o17` is -15); the render reads YAML 1.2. So a plain scalar is refused when YAML 1.1 and 1.2 read it
 * differently, when Go's int syntax reads it as a number the render does not, or when it is a number not
 * written the way it prints (`1.10` would reach a string key as "1.1"). Each problem names the key.
 */
export function stackFileProblems(project: string, text: string | Document, secretKeys: readonly string[]): string[] {
  return stackFileFindings(project, text, secretKeys).map((f) => f.problem);
}

/** A stack-file problem, the key it is about, and whether that key holds a secret (whose value must not be shown). */
export interface StackFileFinding {
  /** The top-level key, or for a `secure:` value inside one, that value's own key (`mesh-lab:apps[0].args[1]`). */
  readonly key: string;
  readonly problem: string;
  readonly secret: boolean;
}

/** The problems of `stackFileProblems`, each with the key it is about. */
export function stackFileFindings(
  project: string,
  text: string | Document,
  secretKeys: readonly string[],
): StackFileFinding[] {
  const findings: StackFileFinding[] = [];
  const doc = typeof text === "string" ? parseDocument(text, { version: "1.2" }) : text;
  if (doc.errors.length > 0) return []; // the caller's parse reports syntax errors
  const config = doc.get("config", true);
  if (!isMap(config)) return findings;
  for (const pair of config.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const key = name.includes(":") ? name : `${project}:${name}`;
    const add = (problem: string, secret: boolean, about = key) => findings.push({ key: about, problem, secret });
    // A secret key's text is never quoted back: its one problem is that it is in plain text (below).
    const scalars: string[] = [];
    if (!secretKeys.includes(key)) scalarProblems(pair.value as Node | null, key, scalars);
    for (const problem of scalars) add(problem, false);
    const value: unknown = isScalar(pair.value) ? pair.value.value : (pair.value as Node | null)?.toJSON?.();
    const secure = isObject(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
    if (secretKeys.includes(key) && value !== undefined && value !== null && !secure) {
      add(
        `key "${key}" is set in plain text; expected a secure: value (pulumi config set --secret ${key} ...): it holds credentials, and mesh-lab reads it only as a secret`,
        true,
      );
    }
    if (!secure)
      for (const inner of secureInside(value, key)) {
        add(
          `key "${inner}" is a secure: value; expected plain text: ${key} is written to gitops/ (Git) and into the cluster's objects in clear, so no secret can go there`,
          true,
          inner,
        );
      }
  }
  return findings;
}

const CANONICAL_INT = /^-?(0|[1-9][0-9]*)$/;

function scalarProblems(root: Node | null, top: string, problems: string[]): void {
  if (root === null) return;
  visit(root, {
    Scalar(_k, node, path) {
      const key = keyOf(top, [...path, node] as readonly unknown[]);
      const v = node.value;
      problems.push(...controlCharacterProblems(key, v));
      if (node.type !== Scalar.PLAIN || node.source === undefined) return;
      const why = ambiguity(node.source, v);
      if (why === undefined) return;
      // `yes`, `off`, `Y`: YAML 1.1's booleans.
      const fix =
        typeof read11(node.source) === "boolean"
          ? `write true or false for a boolean, or quote it ("${node.source}") for the text`
          : `quote it ("${node.source}") if you mean the text, or write the number plainly`;
      problems.push(`key "${key}" is ${node.source} unquoted, which ${why}; ${fix}`);
    },
  });
}

/** A plain scalar as YAML 1.1 reads it (Go's yaml, kubectl); itself when it is no YAML on its own. */
function read11(source: string): unknown {
  try {
    return parse(source, { version: "1.1" });
  } catch {
    return source;
  }
}

/** Why a plain scalar's reading is not the same everywhere, or undefined. */
function ambiguity(source: string, v12: unknown): string | undefined {
  const v11 = read11(source);
  if (typeof v12 === "number" && typeof v11 === "number" && !Object.is(v11, v12))
    return `YAML 1.1 (Go's yaml, kubectl) reads as ${v11} and YAML 1.2 as ${v12}`;
  if (typeof v11 !== typeof v12)
    return `YAML 1.1 reads as the ${typeof v11} ${JSON.stringify(v11)} and YAML 1.2 as the ${typeof v12} ${JSON.stringify(v12)}`;
  if (typeof v12 === "string" && goReadsAsNumber(source))
    return `Go's yaml (the Pulumi CLI) reads as a number and this render as text`;
  if (
    typeof v12 === "number" &&
    Number.isFinite(v12) &&
    (Number.isInteger(v12) ? !CANONICAL_INT.test(source) : String(v12) !== source)
  ) {
    return `is read as the number ${v12}, not as written`;
  }
  return undefined;
}

/** `mesh-lab:apps[0].args[1]` from a visitor path below the top-level pair. */
function keyOf(top: string, path: readonly unknown[]): string {
  let key = top;
  for (let i = 0; i < path.length - 1; i++) {
    const parent = path[i];
    const child = path[i + 1];
    if (isSeq(parent)) key += `[${parent.items.indexOf(child)}]`;
    else if (isPair(parent) && parent.value === child)
      key += `.${isScalar(parent.key) ? String(parent.key.value) : String(parent.key)}`;
  }
  return key;
}

/** The keys of `{secure: ...}` values nested anywhere inside `v`. */
function secureInside(v: unknown, key: string): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => secureInside(x, `${key}[${i}]`));
  if (!isObject(v)) return [];
  if (Object.keys(v).length === 1 && typeof v.secure === "string") return [key];
  return Object.entries(v).flatMap(([k, x]) => secureInside(x, `${key}.${k}`));
}
