import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { main } from "../../render/cli";
import { isBookkeeping } from "../../render/ownership";
import { toYaml } from "../../render/yaml";
import { ROOT, SAMPLE, STACKS } from "./stacks";

/**
 * A copy of the project's Pulumi.yaml and stack files in a temporary directory, with some stack values
 * changed (`{ "cluster-2": { waypoints: false } }`; `undefined` removes a key, a `{ secure }` object is kept
 * as written). With `gitops`, the committed tree is copied too. The program itself is the repository's.
 */
export function tempProject(
  changes: Record<string, Record<string, unknown>> = {},
  opts: { gitops?: boolean; stacks?: readonly string[] } = {},
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-render-"));
  fs.copyFileSync(path.join(SAMPLE, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const stack of opts.stacks ?? STACKS) {
    const source = path.join(SAMPLE, `Pulumi.${STACKS.includes(stack) ? stack : STACKS[0]}.yaml`);
    const doc = parse(fs.readFileSync(source, "utf8")) as { config: Record<string, unknown> };
    for (const [k, v] of Object.entries(changes[stack] ?? {})) {
      const key = k.includes(":") ? k : `mesh-lab:${k}`;
      if (v === undefined) delete doc.config[key];
      else doc.config[key] = v;
    }
    // Strings any YAML reader could take for something else are quoted, as a careful user writes them.
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), toYaml(doc, undefined, { keepOrder: true }));
  }
  if (opts.gitops) fs.cpSync(path.join(SAMPLE, "gitops"), path.join(dir, "gitops"), { recursive: true });
  return dir;
}

export interface RenderRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the render command in-process on a project directory, capturing its output; every overlay is built with kubectl. */
export async function renderCli(root: string, ...argv: string[]): Promise<RenderRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    root,
    cwd: root,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

/** The command line of the render CLI as its own process on a fixture project (tests/support/render-child.ts). */
export function renderChildCommand(root: string, ...argv: string[]): string[] {
  return [
    process.execPath,
    "--require",
    require.resolve("tsx/cjs"),
    path.join(__dirname, "render-child.ts"),
    root,
    ...argv,
  ];
}

/** Every file under `dir` with its bytes, by relative path: for byte-for-byte comparisons. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  for (const rel of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const file = path.join(dir, rel);
    if (fs.statSync(file).isFile()) out.set(rel.split(path.sep).join("/"), fs.readFileSync(file, "utf8"));
  }
  return out;
}

/** The files under `dir` a render wrote, by path: its bookkeeping (manifest, lock) left out. */
export function readTree(dir: string): Map<string, string> {
  return new Map([...snapshot(dir)].filter(([rel]) => !rel.split("/").some(isBookkeeping)));
}

/**
 * A project of the test's own: this repository's Pulumi.yaml (the config declarations) and one stack file per
 * entry, each with a cluster name, network and kube context of its own unless given, and the keys given
 * (without the `mesh-lab:` prefix). No stack file or app of the repository is used.
 */
export function fixtureProject(
  stacks: Record<string, Record<string, unknown>>,
  project: { readonly apps?: readonly unknown[] } = {},
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-fixture-"));
  fs.copyFileSync(path.join(SAMPLE, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  if (project.apps) {
    // The project's list of apps, as a team declares it once for every stack.
    const doc = parseDocument(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
    doc.setIn(["config", "apps", "default"], doc.createNode(project.apps));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), doc.toString());
  }
  Object.entries(stacks).forEach(([stack, keys], i) => {
    const config: Record<string, unknown> = {
      "mesh-lab:kubeContext": `ctx-${stack}`,
      "mesh-lab:clusterName": stack,
      "mesh-lab:network": `net-${i + 1}`,
    };
    for (const [k, v] of Object.entries(keys)) config[`mesh-lab:${k}`] = v;
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), toYaml({ config }, undefined, { keepOrder: true }));
  });
  return dir;
}

/** A copy of the project's program and Pulumi.yaml (its packages linked, no stack file, no gitops/) in a temp dir. */
export function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-copy-"));
  const skip = new Set(["node_modules", ".git", "gitops", "tests", "docs", "bench", "reports"]);
  for (const name of fs.readdirSync(ROOT)) {
    if (skip.has(name) || /^Pulumi\..+\.ya?ml$/.test(name) || name.startsWith(".")) continue;
    fs.cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true });
  }
  // Each package linked, not node_modules itself: the render's build cache goes to this copy's node_modules/.cache.
  fs.mkdirSync(path.join(dir, "node_modules"));
  for (const name of fs.readdirSync(path.join(ROOT, "node_modules"))) {
    if (name !== ".cache") fs.symlinkSync(path.join(ROOT, "node_modules", name), path.join(dir, "node_modules", name));
  }
  // The sample's Pulumi.yaml: its values, not the repository's (a team's defaults change no test).
  fs.copyFileSync(path.join(SAMPLE, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  return dir;
}

/** A copy of the project as a fresh clone has it: the program, and the sample's stack files and rendered tree. */
export function sampleCopy(): string {
  const dir = projectCopy();
  for (const f of fs.readdirSync(SAMPLE)) fs.cpSync(path.join(SAMPLE, f), path.join(dir, f), { recursive: true });
  return dir;
}
