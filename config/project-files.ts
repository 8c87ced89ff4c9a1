import * as fs from "fs";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { naturalCompare } from "./natural-order";
import { isObject } from "./readers";
import { parseSettings, RawConfig } from "./parse-settings";
import { declaredTypeProblem } from "./declared-types";
import { ConfigError, NAMESPACE } from "./problems";
import { SETTINGS, Setting } from "./schema";
import { stackFileFindings } from "./stack-file-checks";

/** Keys read only as Pulumi secrets: a plain value in a stack file is refused. */
const SECRET_KEYS = new Set(
  (Object.entries(SETTINGS) as [string, Setting<unknown>][])
    .filter(([, s]) => s.secret)
    .map(([k]) => `${NAMESPACE}:${k}`),
);

/** The fields of a typed config declaration in Pulumi.yaml (`config: {key: {type, default, ...}}`). */
const DECLARATION_FIELDS = ["type", "items", "description", "secret", "default", "value"];

export interface StackConfig {
  readonly stack: string;
  /** Fully qualified keys to string values, as `pulumi.runtime.allConfig()` would return them. */
  readonly raw: RawConfig;
  /** Keys whose value is `secure:` ciphertext: only the Pulumi CLI can decrypt them, so they are left out of `raw`. */
  readonly secureKeys: readonly string[];
}

export interface ConfigDeclaration {
  readonly type?: string;
  readonly items?: unknown;
  readonly description?: string;
  readonly secret?: boolean;
  readonly default?: unknown;
  readonly value?: unknown;
}

function readYaml(file: string): Record<string, unknown> {
  return mapping(parse(fs.readFileSync(file, "utf8")), file);
}

function mapping(doc: unknown, file: string): Record<string, unknown> {
  if (!isObject(doc)) throw new Error(`${file}: expected a YAML mapping at the top level`);
  return doc;
}

function isDeclaration(v: unknown): v is ConfigDeclaration {
  return isObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => DECLARATION_FIELDS.includes(k));
}

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

// Pulumi passes scalars as their text and structured values as JSON.
function toConfigString(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/** Pulumi.yaml's name and its `config:` declarations and values, keys qualified with the project name. */
export interface ProjectConfig {
  readonly name: string;
  readonly config: Record<string, unknown>;
}

/** The project name and its `config:` block, keys qualified with the project name. */
export function readProject(dir: string): ProjectConfig {
  const project = readYaml(path.join(dir, "Pulumi.yaml"));
  if (typeof project.name !== "string") throw new Error(`${path.join(dir, "Pulumi.yaml")}: "name" is missing`);
  const config: Record<string, unknown> = {};
  if (isObject(project.config))
    for (const [k, v] of Object.entries(project.config)) config[qualify(project.name, k)] = v;
  return { name: project.name, config };
}

const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;

/** Stack names, from the `Pulumi.<stack>.yaml` files beside Pulumi.yaml, in natural order (cluster-2 before cluster-10). */
export function listStacks(dir: string): string[] {
  const names = fs
    .readdirSync(dir)
    .map((f) => STACK_FILE.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  return [...new Set(names)].sort(naturalCompare);
}

/** One problem per stack with both a `.yaml` and a `.yml` stack file: which one counts would be a guess. */
export function duplicateStackFiles(dir: string): string[] {
  const files = fs.readdirSync(dir).filter((f) => STACK_FILE.test(f));
  return listStacks(dir)
    .map((stack) => files.filter((f) => STACK_FILE.exec(f)?.[1] === stack).sort())
    .filter((both) => both.length > 1)
    .map(
      (both) =>
        `stack "${STACK_FILE.exec(both[0])?.[1]}" has two stack files, ${both.join(" and ")}; keep one (refusing to guess which one counts)`,
    );
}

/**
 * Builds a stack's config the way the Pulumi CLI does before it starts the program: project-level values
 * and declared defaults from Pulumi.yaml, overridden key by key by the stack file. Tests and the GitOps
 * renderer use it, so neither needs the CLI; `pulumi up` gets the same map from the CLI itself.
 */
export function loadStackConfig(dir: string, stack: string, project: ProjectConfig = readProject(dir)): StackConfig {
  const candidates = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(dir, f));
  const stackFile = candidates.find((f) => fs.existsSync(f));
  if (!stackFile)
    throw new Error(
      `no stack file for stack "${stack}" (looked for ${candidates.map((f) => path.basename(f)).join(", ")})`,
    );

  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(project.config)) {
    if (!isDeclaration(v)) values[k] = v;
    else if (v.value !== undefined) values[k] = v.value;
    else if (v.default !== undefined) values[k] = v.default;
  }
  // One parse serves both the values and the stack-file checks; on a syntax error, `parse` throws its message.
  const parsed = parseDocument(fs.readFileSync(stackFile, "utf8"), { version: "1.2" });
  const stackDoc = parsed.errors.length > 0 ? readYaml(stackFile) : mapping(parsed.toJS(), stackFile);
  // Pulumi ESC environments are resolved by the CLI from Pulumi Cloud: offline, their values are unknown, and
  // rendering without them would not be what pulumi up deploys.
  if (stackDoc.environment !== undefined && stackDoc.environment !== null) {
    throw new ConfigError(stack, [
      `${path.basename(stackFile)} imports Pulumi ESC environment(s) (environment: ${JSON.stringify(stackDoc.environment)}); ` +
        `only the Pulumi CLI can resolve them, so the render, the tests and check:telemetry refuse this stack. ` +
        `Put the values under config: in the stack file instead`,
    ]);
  }
  // One reading of every value, no plain-text secret, no secret where it would be written in clear.
  const secretKeys = [
    ...SECRET_KEYS,
    ...Object.entries(project.config)
      .filter(([, v]) => isDeclaration(v) && v.secret === true)
      .map(([k]) => k),
  ];
  const findings = stackFileFindings(project.name, parsed, secretKeys);
  const fileProblems = findings.map((f) => f.problem);
  // Every other key is still checked, so one run lists all of the stack's problems; a key (or a value inside one)
  // with a secret's problem gets no second one, which could show its value. An ambiguous value's key does: what the
  // key expects.
  const flagged = new Set(findings.filter((f) => f.secret).map((f) => f.key));
  const secureKeys: string[] = [];
  if (isObject(stackDoc.config)) {
    for (const [k, v] of Object.entries(stackDoc.config)) {
      const key = qualify(project.name, k);
      if (isObject(v) && Object.keys(v).length === 1 && typeof v.secure === "string") {
        secureKeys.push(key);
        delete values[key];
      } else values[key] = v;
    }
  }
  // What the CLI refuses before the program starts: a value (stack or default) not of the declared type, and a
  // key declared secret given in plain text (pkg/workspace/config.go, validateStackConfigValue). The plain
  // value is never shown: it was meant to be secret.
  const typeProblems = new Map<string, string>();
  for (const [k, v] of Object.entries(values)) {
    const decl = project.config[k];
    if (!isDeclaration(decl)) continue;
    const declared = k.slice(k.indexOf(":") + 1);
    const problem = decl.secret
      ? `key "${k}" is set in plain text; expected a secret value (pulumi config set --secret ${k} ...); pulumi up refuses the stack: "Stack '${stack}' with configuration key '${declared}' must be encrypted as it's secret"`
      : declaredTypeProblem(stack, k, decl, v);
    if (problem !== undefined) typeProblems.set(k, problem);
  }
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined) raw[k] = toConfigString(v);
  if (fileProblems.length > 0 || typeProblems.size > 0) {
    for (const k of flagged) typeProblems.delete(k);
    // parseSettings checks some of what the file check does (control characters): each problem once.
    throw new ConfigError(stack, [
      ...new Set([...fileProblems, ...withTypeProblems(stack, raw, typeProblems, flagged)]),
    ]);
  }
  return { stack, raw, secureKeys };
}

/**
 * Every problem of the stack in one list, as the other config errors: parseSettings' own (more specific) ones,
 * plus the type problem of each key parseSettings accepted, such as a list given for a string. Keys in `skip`
 * (their stack-file problem already listed) get none of parseSettings' problems.
 */
function withTypeProblems(
  stack: string,
  raw: RawConfig,
  typeProblems: ReadonlyMap<string, string>,
  skip: ReadonlySet<string> = new Set(),
): string[] {
  let parsed: readonly string[] = [];
  try {
    parseSettings(stack, raw);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    parsed = e.problems;
  }
  const about = (problem: string, key: string) =>
    [`"${key}"`, `"${key}[`, `"${key}.`].some((p) => problem.startsWith(`key ${p}`));
  const extra = [...typeProblems].filter(([k]) => !parsed.some((p) => about(p, k))).map(([, p]) => p);
  return [...parsed.filter((p) => ![...skip].some((k) => about(p, k))), ...extra];
}
