import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
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

function kustomize(kubectl: string, dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ["kustomize", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(err.trim() || `exit ${code}`))));
  });
}

/** The differences between what an overlay builds to and what its stack plans. */
export function buildDifferences(stack: string, built: readonly Record<string, unknown>[], objects: readonly KubeObject[]): string[] {
  const dir = `clusters/${stack}`;
  const got = new Set(built.map(fingerprint));
  const want = new Set(objects.map((o) => fingerprint(o.manifest)));
  const problems = objects.filter((o) => !got.has(fingerprint(o.manifest))).map((o) => `${dir} lacks ${describe(o)} as the program plans it`);
  for (const m of built) {
    if (want.has(fingerprint(m))) continue;
    const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
    problems.push(`${dir} has ${describe({ apiVersion: String(m.apiVersion), kind: String(m.kind), namespace: meta.namespace, name: meta.name ?? "(no name)" })}, which the program does not plan so`);
  }
  if (built.length !== objects.length) problems.push(`${dir} builds ${built.length} objects; the program plans ${objects.length}`);
  return problems;
}

/**
 * Builds every stack's overlay of `tree` with the real `kubectl kustomize` and returns what differs from the
 * stack's planned objects (empty when each overlay builds to exactly its stack). The tree is written to a
 * scratch directory first, so this checks the very bytes that would be written. Builds run a few at a time.
 */
export async function kustomizeProblems(kubectl: string, tree: Tree, stacks: readonly { readonly stack: string; readonly objects: readonly KubeObject[] }[]): Promise<string[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-build-"));
  try {
    for (const [rel, content] of tree) {
      const file = path.join(scratch, ...rel.split("/"));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const results: string[][] = new Array(stacks.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < stacks.length; i = next++) {
        const s = stacks[i];
        try {
          const built = allDocuments(await kustomize(kubectl, path.join(scratch, "clusters", s.stack))) as Record<string, unknown>[];
          results[i] = buildDifferences(s.stack, built, s.objects);
        } catch (e) {
          results[i] = [`clusters/${s.stack} does not build with ${kubectl} kustomize: ${(e as Error).message}`];
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(stacks.length, Math.max(4, os.availableParallelism() * 4)) }, worker));
    return results.flat();
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
