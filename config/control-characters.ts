// Control and separator characters in config values. Kept apart from the stack-file checks, which need the YAML
// parser: `pulumi up` gets its config from the CLI, already parsed, and loads no YAML (docs/performance.md).
import { isObject } from "./readers";

// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole purpose
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/;

/** Strings anywhere in `v` holding a control or separator character, by key: for config the CLI hands over. */
export function controlCharacterProblems(key: string, v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => controlCharacterProblems(`${key}[${i}]`, x));
  if (isObject(v)) return Object.entries(v).flatMap(([k, x]) => controlCharacterProblems(`${key}.${k}`, x));
  const m = typeof v === "string" ? CONTROL.exec(v) : null;
  if (!m) return [];
  const c = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return [
    `key "${key}" contains the control or separator character U+${c}; expected printable text (kubectl kustomize and YAML 1.1 readers break on it)`,
  ];
}
