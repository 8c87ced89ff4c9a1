import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildCache, UnitBuild } from "./build-cache";
import { cleanupOnInterrupt } from "./interrupt";
import { UNITS_PER_BUILD, writeGroup } from "./kubectl";
import { Tree } from "./files";
import { describe, KubeObject } from "./kube-object";
import { unitOf } from "./placement";
import { allDocuments, fingerprint } from "./yaml";

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
    .map((o) => `${unitOf(stack, o)} lacks ${describe(o)} as the program plans it`);
  for (const [i, m] of built.entries()) {
    if (want.has(builtPrints[i])) continue;
    const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
    problems.push(
      `${stack}'s units have ${describe({ apiVersion: String(m.apiVersion), kind: String(m.kind), namespace: meta.namespace, name: meta.name ?? "(no name)" })}, which the program does not plan so`,
    );
  }
  // Two groups of units are two builds: an object both hold is two documents, which kustomize saw apart.
  const seen = new Set<string>();
  for (const m of built) {
    const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
    const id = describe({
      apiVersion: String(m.apiVersion),
      kind: String(m.kind),
      namespace: meta.namespace,
      name: meta.name ?? "(no name)",
    });
    if (seen.has(id)) problems.push(`${stack}'s units hold ${id} more than once`);
    seen.add(id);
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

/** What building the units found, and how many units were built by a kubectl process or came from the cache. */
export interface BuildReport {
  readonly problems: string[];
  readonly built: number;
  readonly cached: number;
}

/**
 * Builds every unit of each stack in `tree` with the real `kubectl kustomize` and returns what differs from the
 * stack's planned objects (no problems when a stack's units build, together, to exactly its objects). The tree (with
 * a cache, only what the units to build read) is written to a scratch directory first, so this checks the very
 * bytes that would be written; the units are built
 * in groups (UNITS_PER_BUILD), a few groups at a time. With a build cache (render/build-cache.ts), a unit whose
 * inputs and kubectl are unchanged since a successful build is not built again, and what that build printed is
 * compared with the stack's plan with the rest, as a fresh build's output would be. The scratch tree is written
 * only when something is built.
 */
export async function buildOverlays(
  kubectl: string,
  tree: Tree,
  stacks: readonly { readonly stack: string; readonly objects: readonly KubeObject[] }[],
  cacheDir?: string,
): Promise<BuildReport> {
  const cache = cacheDir === undefined ? undefined : new BuildCache(cacheDir, kubectl, tree);
  // Per stack: each unit's key and, when the cache has a build of that key, its documents.
  const work = stacks.map((s) => {
    const kept = cache?.read(s.stack) ?? new Map<string, UnitBuild>();
    const units = unitsOf(tree, s.stack).map((unit) => {
      const key = cache?.key(unit) ?? "";
      const hit = kept.get(unit);
      return { unit, key, docs: hit !== undefined && hit.key === key ? hit.docs : undefined };
    });
    return { stack: s, units, built: [] as Record<string, unknown>[], failures: [] as string[] };
  });
  const groups = work.flatMap((w) => {
    const missing = w.units.filter((u) => u.docs === undefined).map((u) => u.unit);
    return Array.from({ length: Math.ceil(missing.length / UNITS_PER_BUILD) }, (_, g) => ({
      w,
      units: missing.slice(g * UNITS_PER_BUILD, (g + 1) * UNITS_PER_BUILD),
    }));
  });
  if (groups.length > 0) {
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
        // Only what the units to build read, when the cache knows it: a render after a change to one app writes a
        // few files here, not the whole tree.
        const files =
          cache === undefined ? tree : new Map(groups.flatMap((g) => g.units.flatMap((u) => cache.filesRead(u))));
        for (const [rel, content] of files) {
          const file = path.join(root, ...rel.split("/"));
          const dir = path.dirname(file);
          if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true });
          made.add(dir);
          fs.writeFileSync(file, content);
        }
        const build = (dir: string) =>
          kustomize(kubectl, dir, running).then((out) => allDocuments(out) as Record<string, unknown>[]);
        // A group is built as one kustomization that includes its units, which builds each unit as kustomize builds
        // it alone and refuses an object that two units both hold.
        let next = 0;
        const worker = async () => {
          for (let g = next++; g < groups.length; g = next++) {
            const { w, units } = groups[g];
            const dir = path.join(scratch, "check", w.stack.stack, String(g));
            writeGroup(
              dir,
              units.map((u) => path.join(root, u)),
            );
            try {
              w.built.push(...(await build(dir)));
            } catch (e) {
              // Which unit: each one alone, one after the other in this worker, so the message names it.
              const named: string[] = [];
              for (const u of units) {
                try {
                  await build(path.join(root, u));
                } catch (err) {
                  named.push(`${u} does not build with ${kubectl} kustomize: ${(err as Error).message}`);
                }
              }
              w.failures.push(
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
      });
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  const problems = work.flatMap((w) => {
    if (w.failures.length > 0) return w.failures;
    const docs = [...w.units.flatMap((u) => u.docs ?? []), ...w.built];
    const found = buildDifferences(w.stack.stack, docs, w.stack.objects);
    // Kept only when the stack matches its plan: what a parse or planning bug read wrongly never outlives the bug.
    if (found.length === 0 && cache !== undefined && w.units.some((u) => u.docs === undefined)) store(cache, w);
    return found;
  });
  const built = work.reduce((n, w) => n + w.units.filter((u) => u.docs === undefined).length, 0);
  return { problems, built, cached: work.reduce((n, w) => n + w.units.length, 0) - built };
}

/**
 * Keeps a stack's builds per unit: each built document goes to the unit that holds its planned object (the stack
 * matched its plan, so each one has one). A cache that cannot be written (read-only, full) costs only the next
 * run's builds.
 */
function store(
  cache: BuildCache,
  w: {
    stack: { readonly stack: string; readonly objects: readonly KubeObject[] };
    units: { unit: string; key: string; docs?: readonly Record<string, unknown>[] }[];
    built: Record<string, unknown>[];
  },
): void {
  const home = new Map(w.stack.objects.map((o) => [fingerprint(o.manifest), unitOf(w.stack.stack, o)]));
  const docs = new Map<string, Record<string, unknown>[]>(w.units.map((u) => [u.unit, [...(u.docs ?? [])]]));
  for (const d of w.built) docs.get(home.get(fingerprint(d))!)!.push(d);
  try {
    cache.write(w.stack.stack, new Map(w.units.map((u) => [u.unit, { key: u.key, docs: docs.get(u.unit)! }])));
  } catch {
    // nothing to do: the builds themselves succeeded and were checked
  }
}
