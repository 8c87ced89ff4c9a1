import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError } from "./problems";
import { isObject } from "./readers";
import { stackFileProblems } from "./stack-file-checks";
import { RawConfig } from "./parse-settings";

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
  readonly description?: string;
  readonly secret?: boolean;
  readonly default?: unknown;
  readonly value?: unknown;
}

function readYaml(file: string): Record<string, unknown> {
  const doc: unknown = parse(fs.readFileSync(file, "utf8"));
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

/** The project name and its `config:` block, keys qualified with the project name. */
export function readProject(dir: string): { name: string; config: Record<string, unknown> } {
  const project = readYaml(path.join(dir, "Pulumi.yaml"));
  if (typeof project.name !== "string") throw new Error(`${path.join(dir, "Pulumi.yaml")}: "name" is missing`);
  const config: Record<string, unknown> = {};
  if (isObject(project.config)) for (const [k, v] of Object.entries(project.config)) config[qualify(project.name, k)] = v;
  return { name: project.name, config };
}

/** Stack names, from the `Pulumi.<stack>.yaml` files beside Pulumi.yaml, sorted. */
export function listStacks(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * Builds a stack's config the way the Pulumi CLI does before it starts the program: project-level values
 * and declared defaults from Pulumi.yaml, overridden key by key by the stack file. Tests and the GitOps
 * renderer use it, so neither needs the CLI; `pulumi up` gets the same map from the CLI itself.
 */
export function loadStackConfig(dir: string, stack: string): StackConfig {
  const project = readProject(dir);
  const candidates = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => path.join(dir, f));
  const stackFile = candidates.find((f) => fs.existsSync(f));
  if (!stackFile) throw new Error(`no stack file for stack "${stack}" (looked for ${candidates.map((f) => path.basename(f)).join(", ")})`);

  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(project.config)) {
    if (!isDeclaration(v)) values[k] = v;
    else if (v.value !== undefined) values[k] = v.value;
    else if (v.default !== undefined) values[k] = v.default;
  }
  const stackDoc = readYaml(stackFile);
  // One reading of every value, no plain-text secret, no secret where it would be written in clear.
  const secretKeys = Object.entries(project.config).filter(([, v]) => isDeclaration(v) && v.secret === true).map(([k]) => k);
  const fileProblems = stackFileProblems(project.name, fs.readFileSync(stackFile, "utf8"), secretKeys);
  if (fileProblems.length > 0) throw new ConfigError(stack, fileProblems);
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
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined) raw[k] = toConfigString(v);
  return { stack, raw, secureKeys };
}
