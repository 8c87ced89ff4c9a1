import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Tree } from "./files";

/**
 * The documents the builds of a stack's units (`clusters/<stack>`, `tenants/<stack>/*`) printed for exactly these inputs, kept (as JSON, which reads
 * back an order of magnitude faster than YAML) so an unchanged overlay is not built again. `kubectl kustomize` of a local tree is a function of the files it reads and of the kubectl binary,
 * so the key is a SHA-256 over: the kubectl binary (real path, size, modification time), the stack, every file
 * of the tree outside `clusters/` and `tenants/` (base/, apps/ and the rest: a unit may read any of them), and the
 * files of `clusters/<stack>/` and `tenants/<stack>/`. Only other stacks' units are left out, which no unit references.
 * Only what a build printed with exit status 0, and that matched its stack's plan, is kept (buildOverlays); a hit
 * is still compared with the stack's plan, exactly like a fresh build. Entries are `<dir>/<stack>/<key>.json`; a
 * stack keeps its `entriesPerStack` most recently stored or read builds (one by default: a render keeps the last
 * build of each stack), the rest are removed when a new one lands.
 */
export class BuildCache {
  private readonly shared: string;
  private readonly binary: string;
  /** Each stack's unit files (`clusters/<stack>/...`, `tenants/<stack>/...`), grouped once rather than filtered out of the tree per stack. */
  private readonly own = new Map<string, [string, string][]>();

  constructor(
    private readonly dir: string,
    kubectl: string,
    tree: Tree,
    private readonly entriesPerStack = 1,
  ) {
    if (!Number.isInteger(entriesPerStack) || entriesPerStack < 1)
      throw new Error(`entriesPerStack is ${entriesPerStack}; expected an integer >= 1`);
    const own = (rel: string) => rel.startsWith("clusters/") || rel.startsWith("tenants/");
    this.shared = digest([...tree].filter(([rel]) => !own(rel)));
    this.binary = binaryIdentity(kubectl);
    for (const [rel, content] of tree) {
      const parts = rel.split("/");
      if (!own(rel) || parts.length < 3) continue;
      const list = this.own.get(parts[1]) ?? [];
      list.push([rel, content]);
      this.own.set(parts[1], list);
    }
  }

  /** The cache key of one stack's overlay build. */
  key(stack: string): string {
    return createHash("sha256")
      .update(
        `mesh-lab kustomize build v2\0${this.binary}\0${stack}\0${this.shared}\0${digest(this.own.get(stack) ?? [])}`,
      )
      .digest("hex");
  }

  /** The documents of the build with this key, if there is one and it reads as a list of documents. */
  get(stack: string, key: string): Record<string, unknown>[] | undefined {
    const file = path.join(this.dir, stack, `${key}.json`);
    let docs: unknown;
    try {
      docs = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      return undefined;
    }
    if (!(Array.isArray(docs) && docs.every((d) => typeof d === "object" && d !== null && !Array.isArray(d))))
      return undefined;
    if (this.entriesPerStack > 1) touch(file);
    return docs as Record<string, unknown>[];
  }

  /** Stores a successful build's documents (temp file, then rename) and drops the stack's least recent entries. */
  put(stack: string, key: string, docs: readonly Record<string, unknown>[]): void {
    const dir = path.join(this.dir, stack);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${key}.json`);
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(docs));
    fs.renameSync(tmp, file);
    const others = fs.readdirSync(dir).filter((name) => name !== `${key}.json` && !name.includes(".tmp-"));
    if (others.length < this.entriesPerStack) return;
    const byRecency = others
      .map((name) => ({ name, at: mtime(path.join(dir, name)) }))
      .sort((a, b) => b.at - a.at)
      .map((e) => e.name);
    for (const name of byRecency.slice(this.entriesPerStack - 1)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function digest(entries: readonly (readonly [string, string])[]): string {
  const h = createHash("sha256");
  for (const [rel, content] of entries) h.update(`${rel}\0${Buffer.byteLength(content)}\0${content}\0`);
  return h.digest("hex");
}

/** Marks an entry as just used, so that it outlives the entries not read since; a failure only costs recency. */
function touch(file: string): void {
  try {
    const now = new Date();
    fs.utimesSync(file, now, now);
  } catch {
    // read-only cache: the entry stays as recent as it was
  }
}

/** An entry's modification time; one removed meanwhile (another render pruning) counts as oldest. */
function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function binaryIdentity(file: string): string {
  const real = fs.realpathSync(file);
  const st = fs.statSync(real);
  return `${real}\0${st.size}\0${st.mtimeMs}`;
}
