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
import { KustomizePrinter } from "./yaml-print";

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

/**
 * The documents of `kubectl kustomize`'s output `out`. One whose text is, byte for byte, a key of `printed` (what
 * kustomize prints for a planned object) is that object; the others are read by the YAML parser, together, in
 * their order in the output. Kustomize ends each document but the last with a `---` line, which cannot occur
 * inside a document at the start of a line (YAML reads it as the document's end).
 */
export function readBuild(
  out: string,
  printed: ReadonlyMap<string, Record<string, unknown>>,
): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [];
  const rest: string[] = [];
  for (const text of out.split(/^---\n/m)) {
    const planned = printed.get(text);
    if (planned !== undefined) docs.push(planned);
    else rest.push(text);
  }
  if (rest.length > 0) docs.push(...(allDocuments(rest.join("---\n")) as Record<string, unknown>[]));
  return docs;
}

/** The differences between what a stack's units build to, together, and what the stack plans. */
export function buildDifferences(
  stack: string,
  built: readonly Record<string, unknown>[],
  objects: readonly KubeObject[],
  fingerprintOf: (m: Record<string, unknown>) => string = fingerprint,
): string[] {
  const builtPrints = built.map((m) => fingerprintOf(m));
  const plannedPrints = objects.map((o) => fingerprintOf(o.manifest));
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

/** What building the units found, and how many units were built by a kubectl process, came from the cache, or
 * were another unit's build (the same inputs, built once). */
export interface BuildReport {
  readonly problems: string[];
  readonly built: number;
  readonly cached: number;
  readonly shared: number;
}

/** One unit to check: its build cache key and, once known, what its build printed. */
interface UnitWork {
  readonly unit: string;
  readonly key: string;
  /** Its documents: from the cache, or, once its stack matched the plan, from this run's build. */
  docs?: readonly Record<string, unknown>[];
  /** Another stack's unit with the same key, built in this run: this unit's documents are that build's. */
  readonly lender?: UnitWork;
  /** Where its documents came from, for the report. */
  source: "cache" | "built" | "shared";
}

interface StackWork {
  readonly stack: { readonly stack: string; readonly objects: readonly KubeObject[] };
  readonly units: UnitWork[];
  readonly built: Record<string, unknown>[];
  readonly failures: string[];
}

/**
 * Builds every unit of each stack in `tree` with the real `kubectl kustomize` and returns what differs from the
 * stack's planned objects (no problems when a stack's units build, together, to exactly its objects). The tree (with
 * a cache, only what the units to build read) is written to a scratch directory first, so this checks the very
 * bytes that would be written; the units are built in groups (UNITS_PER_BUILD), a few groups at a time. With a build
 * cache (render/build-cache.ts), a unit whose key (its inputs and kubectl) matches a kept build (its own stack's
 * first, else any stack's) is not built again, and a unit whose key matches a unit of an earlier stack in this run
 * is built once, for both: what that build printed is compared with each stack's plan, as a fresh build's output
 * would be. Should the earlier stack not match
 * its plan, the units that shared its builds are built on their own, so each stack's problems are its own. The
 * scratch tree is written only when something is built.
 */
export async function buildOverlays(
  kubectl: string,
  tree: Tree,
  stacks: readonly { readonly stack: string; readonly objects: readonly KubeObject[] }[],
  cacheDir?: string,
): Promise<BuildReport> {
  const cache = cacheDir === undefined ? undefined : new BuildCache(cacheDir, kubectl, tree);
  // Kept builds: each stack's own, by unit, first (an entry edited in one stack's file fails that stack); then
  // every stack's, by key.
  const own = new Map(stacks.map((s) => [s.stack, cache?.read(s.stack) ?? new Map<string, UnitBuild>()]));
  const anyStack = new Map<string, readonly Record<string, unknown>[]>();
  for (const builds of own.values()) for (const b of builds.values()) anyStack.set(b.key, b.docs);
  // The units of earlier stacks this run builds, by key.
  const building = new Map<string, UnitWork>();
  const work: StackWork[] = stacks.map((s) => {
    const units = unitsOf(tree, s.stack).map((unit): UnitWork => {
      const key = cache?.key(unit) ?? "";
      const mine = own.get(s.stack)!.get(unit);
      const docs = mine?.key === key ? mine.docs : anyStack.get(key);
      if (docs !== undefined) return { unit, key, docs, source: "cache" };
      const lender = building.get(key);
      return lender !== undefined ? { unit, key, lender, source: "shared" } : { unit, key, source: "built" };
    });
    if (cache !== undefined) for (const u of units) if (u.source === "built") building.set(u.key, u);
    return { stack: s, units, built: [], failures: [] };
  });
  const scratch = new Scratch(kubectl, tree, cache);
  // Each object's fingerprint once: a document kustomize printed as planned is the planned object (readBuild), and
  // both the comparison and the attribution look at every one.
  const fingerprints = new WeakMap<object, string>();
  const fingerprintOf = (m: Record<string, unknown>) => {
    let p = fingerprints.get(m);
    if (p === undefined) fingerprints.set(m, (p = fingerprint(m)));
    return p;
  };
  // Interrupted (Ctrl-C, kill), the render stops its kubectl processes and removes the scratch tree before it ends.
  const interrupted = () => {
    scratch.stop();
    scratch.remove();
  };
  try {
    return await cleanupOnInterrupt(interrupted, async () => {
      await scratch.build(work.map((w) => ({ w, units: w.units.filter((u) => u.source === "built") })));
      const problems: string[] = [];
      for (const w of work) {
        // A lender whose stack did not match its plan has no documents to share: build those units after all.
        const orphans = w.units.filter((u) => u.lender !== undefined && u.lender.docs === undefined);
        for (const u of orphans) u.source = "built";
        if (orphans.length > 0) await scratch.build([{ w, units: orphans }]);
        if (w.failures.length > 0) {
          problems.push(...w.failures);
          continue;
        }
        const docs = [...w.units.flatMap((u) => u.docs ?? u.lender?.docs ?? []), ...w.built];
        const found = buildDifferences(w.stack.stack, docs, w.stack.objects, fingerprintOf);
        problems.push(...found);
        // Kept only when the stack matches its plan: what a parse or planning bug read wrongly never outlives it.
        if (found.length === 0 && cache !== undefined && w.units.some((u) => u.source !== "cache"))
          attribute(w, cache, fingerprintOf);
      }
      const count = (source: UnitWork["source"]) =>
        work.reduce((n, w) => n + w.units.filter((u) => u.source === source).length, 0);
      return { problems, built: count("built"), cached: count("cache"), shared: count("shared") };
    });
  } finally {
    // Also when a build step threw (a full disk): no kubectl may go on building from a removed tree.
    scratch.stop();
    scratch.remove();
  }
}

/**
 * The scratch tree the units are built from, made on the first build, each file written before the first build that
 * reads it (with a cache, only what the units to build read), and the kubectl processes building it.
 */
class Scratch {
  private dir?: string;
  private readonly made = new Set<string>();
  private readonly written = new Set<string>();
  private readonly running = new Set<ChildProcess>();
  private groups = 0;
  private stopped = false;
  /** The planned objects of the stacks built so far, by what kustomize prints for each. */
  private readonly printed = new Map<string, Record<string, unknown>>();
  private readonly printedStacks = new Set<string>();
  private readonly printer = new KustomizePrinter();

  constructor(
    private readonly kubectl: string,
    private readonly tree: Tree,
    private readonly cache: BuildCache | undefined,
  ) {}

  /** Builds `units` of each stack in groups of UNITS_PER_BUILD, adding the documents or failures to its stack. */
  async build(jobs: readonly { w: StackWork; units: readonly UnitWork[] }[]): Promise<void> {
    const groups = jobs.flatMap(({ w, units }) =>
      Array.from({ length: Math.ceil(units.length / UNITS_PER_BUILD) }, (_, g) => ({
        w,
        units: units.slice(g * UNITS_PER_BUILD, (g + 1) * UNITS_PER_BUILD).map((u) => u.unit),
      })),
    );
    if (groups.length === 0) return;
    for (const { w } of jobs) {
      if (this.printedStacks.has(w.stack.stack)) continue;
      this.printedStacks.add(w.stack.stack);
      for (const o of w.stack.objects) {
        const text = this.printer.text(o.manifest);
        if (text !== undefined) this.printed.set(text, o.manifest);
      }
    }
    const scratch = (this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-build-")));
    const root = path.join(scratch, "tree");
    // Only what the units to build read, when the cache knows it: a render after a change to one app writes a few
    // files here, not the whole tree.
    const cache = this.cache;
    const files =
      cache === undefined ? this.tree : new Map(groups.flatMap((g) => g.units.flatMap((u) => cache.filesRead(u))));
    for (const [rel, content] of files) {
      if (this.written.has(rel)) continue;
      this.written.add(rel);
      const file = path.join(root, ...rel.split("/"));
      const dir = path.dirname(file);
      if (!this.made.has(dir)) fs.mkdirSync(dir, { recursive: true });
      this.made.add(dir);
      fs.writeFileSync(file, content);
    }
    const build = (dir: string) =>
      kustomize(this.kubectl, dir, this.running).then((out) => readBuild(out, this.printed));
    // A group is built as one kustomization that includes its units, which builds each unit as kustomize builds it
    // alone and refuses an object that two units both hold.
    let next = 0;
    const worker = async () => {
      for (let g = next++; g < groups.length && !this.stopped; g = next++) {
        const { w, units } = groups[g];
        const dir = path.join(scratch, "check", w.stack.stack, String(this.groups++));
        writeGroup(
          dir,
          units.map((u) => path.join(root, u)),
        );
        try {
          w.built.push(...(await build(dir)));
        } catch (e) {
          // Stopped: its kubectl was killed; nothing is reported, and nothing more is started.
          if (this.stopped) return;
          // Which unit: each one alone, one after the other in this worker, so the message names it.
          const named: string[] = [];
          for (const u of units) {
            try {
              await build(path.join(root, u));
            } catch (err) {
              named.push(`${u} does not build with ${this.kubectl} kustomize: ${(err as Error).message}`);
            }
          }
          const together = `${units.join(", ")} do not build together with ${this.kubectl} kustomize`;
          w.failures.push(...(named.length > 0 ? named : [`${together}: ${(e as Error).message}`]));
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(groups.length, Math.max(4, os.availableParallelism() * 2)) }, worker),
    );
  }

  /** Stops the kubectl processes still running, and starts no other. */
  stop(): void {
    this.stopped = true;
    for (const child of this.running) child.kill();
  }

  remove(): void {
    if (this.dir !== undefined) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Gives each unit of a stack that matched its plan its own documents: each one this run built goes to the unit that
 * holds its planned object (the stack matched its plan, so each one has one), for the units of later stacks that
 * share its build, and keeps them in the cache. A cache that cannot be written (read-only, full) costs only the next
 * run's builds.
 */
function attribute(w: StackWork, cache: BuildCache, fingerprintOf: (m: Record<string, unknown>) => string): void {
  const home = new Map(w.stack.objects.map((o) => [fingerprintOf(o.manifest), unitOf(w.stack.stack, o)]));
  const docs = new Map<string, Record<string, unknown>[]>(
    w.units.map((u) => [u.unit, [...(u.docs ?? u.lender?.docs ?? [])]]),
  );
  for (const d of w.built) docs.get(home.get(fingerprintOf(d))!)!.push(d);
  for (const u of w.units) u.docs = docs.get(u.unit)!;
  try {
    cache.write(w.stack.stack, new Map(w.units.map((u) => [u.unit, { key: u.key, docs: u.docs! }])));
  } catch {
    // nothing to do: the builds themselves succeeded and were checked
  }
}
