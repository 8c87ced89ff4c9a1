import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { main } from "../../render/cli";
import { toYaml } from "../../render/yaml";
import { ROOT, STACKS } from "./stacks";

/**
 * A copy of the project's Pulumi.yaml and stack files in a temporary directory, with some stack values
 * changed (`{ "cluster-2": { waypoints: false } }`; `undefined` removes a key, a `{ secure }` object is kept
 * as written). With `gitops`, the committed tree is copied too. The program itself is the repository's.
 */
export function tempProject(changes: Record<string, Record<string, unknown>> = {}, opts: { gitops?: boolean; stacks?: readonly string[] } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-render-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const stack of opts.stacks ?? STACKS) {
    const source = path.join(ROOT, `Pulumi.${STACKS.includes(stack) ? stack : STACKS[0]}.yaml`);
    const doc = parse(fs.readFileSync(source, "utf8")) as { config: Record<string, unknown> };
    for (const [k, v] of Object.entries(changes[stack] ?? {})) {
      const key = k.includes(":") ? k : `mesh-lab:${k}`;
      if (v === undefined) delete doc.config[key];
      else doc.config[key] = v;
    }
    // Strings any YAML reader could take for something else are quoted, as a careful user writes them.
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), toYaml(doc, undefined, { keepOrder: true }));
  }
  if (opts.gitops) fs.cpSync(path.join(ROOT, "gitops"), path.join(dir, "gitops"), { recursive: true });
  return dir;
}

export interface RenderRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// One overlay build cache for the tests' renders, kept in node_modules/.cache like a user's (but with many builds
// per stack: the tests render dozens of trees): a tree is built with kubectl once, not once per test, per worker
// or per run. A hit is still compared with the plan. The cache itself is tested with its own directories
// (render-build-cache.test.ts), and the tests that need a fresh build say so (renderCliUncached).
// Its place and size are in test-build-cache.json, which the render child process (render-child.js) reads too
// (read, not imported: npm test's type check in build mode would not notice a change to an imported JSON file).
const testBuildCache = JSON.parse(fs.readFileSync(path.join(__dirname, "test-build-cache.json"), "utf8")) as { dir: string; entriesPerStack: number };
const BUILD_CACHE = path.resolve(__dirname, "..", "..", testBuildCache.dir);
const BUILDS_PER_STACK = testBuildCache.entriesPerStack;

/** Runs the render command in-process on a project directory, capturing its output; overlays from the shared build cache. */
export async function renderCli(root: string, ...argv: string[]): Promise<RenderRun> {
  return run(root, argv, BUILD_CACHE);
}

/** The same without a build cache: every overlay built with kubectl, as on a fresh clone. */
export async function renderCliUncached(root: string, ...argv: string[]): Promise<RenderRun> {
  return run(root, argv, undefined);
}

async function run(root: string, argv: string[], buildCacheDir: string | undefined): Promise<RenderRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { root, cwd: root, buildCacheDir, buildCacheEntries: BUILDS_PER_STACK, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
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
