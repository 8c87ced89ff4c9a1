import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Tree } from "./files";

/**
 * The documents `kubectl kustomize clusters/<stack>` printed for exactly these inputs, kept (as JSON, which reads
 * back an order of magnitude faster than YAML) so an unchanged overlay is not built again. `kubectl kustomize` of a local tree is a function of the files it reads and of the kubectl binary,
 * so the key is a SHA-256 over: the kubectl binary (real path, size, modification time), the stack, every file
 * of the tree outside `clusters/` (base/, apps/ and the rest: an overlay may read any of them), and the files
 * of `clusters/<stack>/`. Only another stack's overlay directory is left out, which no overlay references.
 * Only what a build printed with exit status 0 is kept; a hit is still compared with the stack's plan, exactly
 * like a fresh build. One entry per stack: `<dir>/<stack>/<key>.json`, older keys removed when a new one lands.
 */
export class BuildCache {
  private readonly shared: string;
  private readonly binary: string;
  /** Each overlay's own files (`clusters/<stack>/...`), grouped once rather than filtered out of the tree per stack. */
  private readonly own = new Map<string, [string, string][]>();

  constructor(
    private readonly dir: string,
    kubectl: string,
    tree: Tree,
  ) {
    this.shared = digest([...tree].filter(([rel]) => !rel.startsWith("clusters/")));
    this.binary = binaryIdentity(kubectl);
    for (const [rel, content] of tree) {
      const parts = rel.split("/");
      if (parts[0] !== "clusters" || parts.length < 3) continue;
      const list = this.own.get(parts[1]) ?? [];
      list.push([rel, content]);
      this.own.set(parts[1], list);
    }
  }

  /** The cache key of one stack's overlay build. */
  key(stack: string): string {
    return createHash("sha256").update(`mesh-lab kustomize build v1\0${this.binary}\0${stack}\0${this.shared}\0${digest(this.own.get(stack) ?? [])}`).digest("hex");
  }

  /** The documents of the build with this key, if there is one and it reads as a list of documents. */
  get(stack: string, key: string): Record<string, unknown>[] | undefined {
    let docs: unknown;
    try {
      docs = JSON.parse(fs.readFileSync(path.join(this.dir, stack, `${key}.json`), "utf8"));
    } catch {
      return undefined;
    }
    return Array.isArray(docs) && docs.every((d) => typeof d === "object" && d !== null && !Array.isArray(d)) ? (docs as Record<string, unknown>[]) : undefined;
  }

  /** Stores a successful build's documents (temp file, then rename) and drops the stack's older entries. */
  put(stack: string, key: string, docs: readonly Record<string, unknown>[]): void {
    const dir = path.join(this.dir, stack);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${key}.json`);
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(docs));
    fs.renameSync(tmp, file);
    for (const name of fs.readdirSync(dir)) if (name !== `${key}.json` && !name.includes(".tmp-")) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function digest(entries: readonly (readonly [string, string])[]): string {
  const h = createHash("sha256");
  for (const [rel, content] of entries) h.update(`${rel}\0${Buffer.byteLength(content)}\0${content}\0`);
  return h.digest("hex");
}

function binaryIdentity(file: string): string {
  const real = fs.realpathSync(file);
  const st = fs.statSync(real);
  return `${real}\0${st.size}\0${st.mtimeMs}`;
}
