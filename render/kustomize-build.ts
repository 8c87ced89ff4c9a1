import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildCache } from "./build-cache";
import { cleanupOnInterrupt } from "./interrupt";
import { Tree } from "./files";
import { describe, KubeObject } from "./kube-object";
import { unitDir } from "./placement";
import { allDocuments, fingerprint } from "./yaml";

/** The kubectl the build check runs: `$KUBECTL`, else `kubectl` on PATH; undefined when there is none. */
export function findKubectl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KUBECTL !== undefined) return env.KUBECTL !== "" && isExecutable(env.KUBECTL) ? env.KUBECTL : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, "kubectl");
    if (dir !== "" && isExecutable(file)) return file;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `kubectl kustomize dir`'s output; the process is in `running` until it ends. */
function kustomize(kubectl: string, dir: string, running: Set<ChildProcess>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ["kustomize", dir], { stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      running.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(err.trim() || `exit ${code}`));
    });
  });
}

/** The differences between what a stack's units build to, together, and what the stack plans. */
export function buildDifferences(
  stack: string,
  built: readonly Record<string, unknown>[],
  objects: readonly KubeObject[],
): string[] {
  const builtPrints = built.map(fingerprint);
  const plannedPrints = objects.map((o) => fingerprint(o.manifest));
  const got = new Set(builtPrints);
  const want = new Set(plannedPrints);
  const problems = objects
    .filter((_, i) => !got.has(plannedPrints[i]))
    .map((o) => `${unitDir(stack, o.app)} lacks ${describe(o)} as the program plans it`);
  for (const [i, m] of built.entries()) {
    if (want.has(builtPrints[i])) continue;
    const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
    problems.push(
      `${stack}'s units have ${describe({ apiVersion: String(m.apiVersion), kind: String(m.kind), namespace: meta.namespace, name: meta.name ?? "(no name)" })}, which the program does not plan so`,
    );
  }
  if (built.length !== objects.length)
    problems.push(`${stack}'s units build ${built.length} objects; the program plans ${objects.length}`);
  return problems;
}

/** The units of `stack` in `tree`: its cluster unit, then each tenant unit that has a kustomization.yaml. */
export function unitsOf(tree: Tree, stack: string): string[] {
  const prefix = `tenants/${stack}/`;
  const tenants = [...tree.keys()]
    .filter((rel) => rel.startsWith(prefix) && rel.endsWith("/kustomization.yaml"))
    .map((rel) => rel.slice(0, -"/kustomization.yaml".length))
    .filter((dir) => !dir.slice(prefix.length).includes("/"));
  return [`clusters/${stack}`, ...tenants];
}

/**
 * How many units one check build includes. Kustomize's cost grows faster than linearly with the objects of one
 * build, and each kubectl process costs about 50 ms to start: builds of 40 units (a few hundred objects) keep both
 * small (docs/performance.md).
 */
export const UNITS_PER_CHECK = 40;

/** What building the overlays found, and how many came from the build cache rather than a kubectl process. */
export interface BuildReport {
  readonly problems: string[];
  readonly built: number;
  readonly cached: number;
}

/**
 * Builds every stack's overlay of `tree` with the real `kubectl kustomize` and returns what differs from the
 * stack's planned objects (no problems when each overlay builds to exactly its stack). The tree is written to a
 * scratch directory first, so this checks the very bytes that would be written. Builds run a few at a time.
 * With a build cache (render/build-cache.ts), an overlay whose inputs and kubectl are unchanged since a
 * successful build is not built again, and what that build printed is compared with the stack's plan as a fresh
 * build's output would be. The scratch tree is written only when something is built. `entriesPerStack`: how many
 * builds of each stack the cache keeps (the most recent).
 */
export async function buildOverlays(
  kubectl: string,
  tree: Tree,
  stacks: readonly { readonly stack: string; readonly objects: readonly KubeObject[] }[],
  cacheDir?: string,
  entriesPerStack = 1,
): Promise<BuildReport> {
  const cache = cacheDir === undefined ? undefined : new BuildCache(cacheDir, kubectl, tree, entriesPerStack);
  const results: string[][] = Array.from({ length: stacks.length }, () => []);
  const misses: number[] = [];
  const keys: string[] = [];
  stacks.forEach((s, i) => {
    keys[i] = cache?.key(s.stack) ?? "";
    const built = cache?.get(s.stack, keys[i]);
    if (built === undefined) misses.push(i);
    else results[i] = buildDifferences(s.stack, built, s.objects);
  });
  if (misses.length > 0) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-build-"));
    // Interrupted (Ctrl-C, kill), the render stops its kubectl processes and removes the scratch tree before it ends.
    const running = new Set<ChildProcess>();
    const interrupted = () => {
      for (const child of running) child.kill();
      fs.rmSync(scratch, { recursive: true, force: true });
    };
    try {
      await cleanupOnInterrupt(interrupted, async () => {
        const root = path.join(scratch, "tree");
        const made = new Set<string>();
        for (const [rel, content] of tree) {
          const file = path.join(root, ...rel.split("/"));
          const dir = path.dirname(file);
          if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
          made.add(dir);
          fs.writeFileSync(file, content);
        }
        // Each stack's units in groups; a group is built as one kustomization that includes its units, which
        // builds each unit as kustomize builds it alone and refuses an object that two units both hold.
        const groups: { stack: number; units: string[] }[] = [];
        for (const i of misses) {
          const units = unitsOf(tree, stacks[i].stack);
          for (let u = 0; u < units.length; u += UNITS_PER_CHECK)
            groups.push({ stack: i, units: units.slice(u, u + UNITS_PER_CHECK) });
        }
        const docs = new Map<number, Record<string, unknown>[]>(misses.map((i) => [i, []]));
        const failures = new Map<number, string[]>(misses.map((i) => [i, []]));
        const build = (dir: string) =>
          kustomize(kubectl, dir, running).then((out) => allDocuments(out) as Record<string, unknown>[]);
        let next = 0;
        const worker = async () => {
          for (let g = next++; g < groups.length; g = next++) {
            const { stack, units } = groups[g];
            const dir = path.join(scratch, "check", stacks[stack].stack, String(g));
            fs.mkdirSync(dir, { recursive: true });
            const resources = units.map((u) => path.relative(dir, path.join(root, u)).split(path.sep).join("/"));
            fs.writeFileSync(path.join(dir, "kustomization.yaml"), JSON.stringify({ resources }));
            try {
              docs.get(stack)!.push(...(await build(dir)));
            } catch (e) {
              // Which unit: each one alone, so the message names it.
              const alone = await Promise.all(
                units.map((u) =>
                  build(path.join(root, u)).then(
                    () => undefined,
                    (err: Error) => `${u} does not build with ${kubectl} kustomize: ${err.message}`,
                  ),
                ),
              );
              const named = alone.filter((m): m is string => m !== undefined);
              failures
                .get(stack)!
                .push(
                  ...(named.length > 0
                    ? named
                    : [`${units.join(", ")} do not build together with ${kubectl} kustomize: ${(e as Error).message}`]),
                );
            }
          }
        };
        await Promise.all(
          Array.from({ length: Math.min(groups.length, Math.max(4, os.availableParallelism() * 2)) }, worker),
        );
        for (const i of misses) {
          const s = stacks[i];
          if (failures.get(i)!.length > 0) {
            results[i] = failures.get(i)!;
            continue;
          }
          results[i] = buildDifferences(s.stack, docs.get(i)!, s.objects);
          // Kept only when it matches the plan: what a parse or planning bug read wrongly never outlives the bug.
          if (results[i].length === 0) store(cache, s.stack, keys[i], docs.get(i)!);
        }
      });
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  return { problems: results.flat(), built: misses.length, cached: stacks.length - misses.length };
}

/** Keeps a build's output; a cache that cannot be written (read-only, full) costs only the next run's build. */
function store(
  cache: BuildCache | undefined,
  stack: string,
  key: string,
  docs: readonly Record<string, unknown>[],
): void {
  try {
    cache?.put(stack, key, docs);
  } catch {
    // nothing to do: the build itself succeeded and was checked
  }
}
