import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildCache } from "./build-cache";
import { cleanupOnInterrupt } from "./interrupt";
import { Tree } from "./files";
import { describe, KubeObject } from "./kube-object";
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

/** The differences between what an overlay builds to and what its stack plans. */
export function buildDifferences(
  stack: string,
  built: readonly Record<string, unknown>[],
  objects: readonly KubeObject[],
): string[] {
  const dir = `clusters/${stack}`;
  const builtPrints = built.map(fingerprint);
  const plannedPrints = objects.map((o) => fingerprint(o.manifest));
  const got = new Set(builtPrints);
  const want = new Set(plannedPrints);
  const problems = objects
    .filter((_, i) => !got.has(plannedPrints[i]))
    .map((o) => `${dir} lacks ${describe(o)} as the program plans it`);
  for (const [i, m] of built.entries()) {
    if (want.has(builtPrints[i])) continue;
    const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
    problems.push(
      `${dir} has ${describe({ apiVersion: String(m.apiVersion), kind: String(m.kind), namespace: meta.namespace, name: meta.name ?? "(no name)" })}, which the program does not plan so`,
    );
  }
  if (built.length !== objects.length)
    problems.push(`${dir} builds ${built.length} objects; the program plans ${objects.length}`);
  return problems;
}

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
        for (const [rel, content] of tree) {
          const file = path.join(scratch, ...rel.split("/"));
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, content);
        }
        let next = 0;
        const worker = async () => {
          for (let m = next++; m < misses.length; m = next++) {
            const i = misses[m];
            const s = stacks[i];
            try {
              const docs = allDocuments(
                await kustomize(kubectl, path.join(scratch, "clusters", s.stack), running),
              ) as Record<string, unknown>[];
              results[i] = buildDifferences(s.stack, docs, s.objects);
              // Kept only when it matches the plan: what a parse or planning bug read wrongly never outlives the bug.
              if (results[i].length === 0) store(cache, s.stack, keys[i], docs);
            } catch (e) {
              results[i] = [`clusters/${s.stack} does not build with ${kubectl} kustomize: ${(e as Error).message}`];
            }
          }
        };
        await Promise.all(
          Array.from({ length: Math.min(misses.length, Math.max(4, os.availableParallelism() * 4)) }, worker),
        );
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
