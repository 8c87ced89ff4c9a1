import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Tree } from "./files";
import { fromYaml } from "./yaml";

/** What one unit's build printed, and the key of the inputs it was built from. */
export interface UnitBuild {
  readonly key: string;
  readonly docs: readonly Record<string, unknown>[];
}

/** The comment lines (and blank lines) a YAML file starts with: nothing before them can make them part of a value. */
const LEADING_COMMENTS = /^(?:[ \t]*(?:#[^\n]*)?\n)*/;

/**
 * The documents each unit's `kubectl kustomize` printed for exactly these inputs, kept (as JSON, which reads back
 * an order of magnitude faster than YAML) so an unchanged unit is not built again: a render after a change to one
 * app builds that app's units only, and a unit whose inputs are those of another unit (the same app, the same on two
 * clusters) is built once. `kubectl kustomize` of a local tree is a function of the kubectl binary and of the files
 * it reads, as seen from the directory it builds, so a unit's key is a SHA-256 over: the kubectl binary (real path,
 * size, modification time) and every file the unit reads, by its path relative to the unit: its own (patches/
 * included) and, through `resources:`, those of the directories it includes (`apps/<app>`, `base/<app>`,
 * `observability/<stack>`), recursively. A kustomization.yaml counts without the comment lines it starts with:
 * kustomize reads it as data, and the render's header there names the stack. Only what matched the stack's plan is
 * kept (buildOverlays); a kept build is still compared with the plan, as a fresh one is. One file per stack,
 * `<dir>/<stack>.json`, holding its units' latest builds; a unit no longer in the tree leaves the file with the next
 * store.
 */
export class BuildCache {
  private readonly binary: string;
  /** The tree's files under each directory (every ancestor of each file), grouped once rather than per unit. */
  private readonly under = new Map<string, [string, string][]>();
  private readonly resources = new Map<string, readonly string[]>();

  constructor(
    private readonly dir: string,
    kubectl: string,
    private readonly tree: Tree,
  ) {
    this.binary = binaryIdentity(kubectl);
    for (const entry of tree) {
      const parts = entry[0].split("/");
      for (let n = 1; n < parts.length; n++) {
        const d = parts.slice(0, n).join("/");
        if (!this.under.has(d)) this.under.set(d, []);
        this.under.get(d)!.push(entry);
      }
    }
  }

  /** The cache key of one unit's build (`clusters/<stack>`, `tenants/<stack>/<app>`). */
  key(unit: string): string {
    const seen = this.filesRead(unit).map(([rel, content]): [string, string] => [
      path.posix.relative(unit, rel),
      path.posix.basename(rel) === "kustomization.yaml" ? content.replace(LEADING_COMMENTS, "") : content,
    ]);
    return createHash("sha256")
      .update(`mesh-lab kustomize build v4\0${this.binary}\0${digest(seen)}`)
      .digest("hex");
  }

  /** The files of the tree a build of `dir` reads, by path: its own, and those of the directories it includes. */
  filesRead(dir: string, seen = new Set<string>()): [string, string][] {
    if (seen.has(dir)) return [];
    seen.add(dir);
    const own = this.under.get(dir) ?? [];
    const included = this.resourcesOf(dir)
      .map((r) => path.posix.normalize(`${dir}/${r}`))
      .filter((ref) => this.tree.has(`${ref}/kustomization.yaml`) && !ref.startsWith(`${dir}/`));
    return [...own, ...included.flatMap((ref) => this.filesRead(ref, seen))];
  }

  /** The `resources:` of the kustomization.yaml in `dir` (none without one), read once per directory. */
  private resourcesOf(dir: string): readonly string[] {
    let resources = this.resources.get(dir);
    if (resources === undefined) {
      const kustomization = this.tree.get(`${dir}/kustomization.yaml`);
      resources =
        kustomization === undefined ? [] : ((fromYaml(kustomization) as { resources?: string[] }).resources ?? []);
      this.resources.set(dir, resources);
    }
    return resources;
  }

  /** The kept builds of a stack's units, by unit; none when there are none or the file does not read as such. */
  read(stack: string): Map<string, UnitBuild> {
    let kept: unknown;
    try {
      kept = JSON.parse(fs.readFileSync(this.file(stack), "utf8"));
    } catch {
      return new Map();
    }
    if (typeof kept !== "object" || kept === null || Array.isArray(kept)) return new Map();
    const builds = new Map<string, UnitBuild>();
    for (const [unit, b] of Object.entries(kept as Record<string, unknown>)) {
      const { key, docs } = (b ?? {}) as { key?: unknown; docs?: unknown };
      if (
        typeof key === "string" &&
        Array.isArray(docs) &&
        docs.every((d) => typeof d === "object" && d !== null && !Array.isArray(d))
      )
        builds.set(unit, { key, docs: docs as Record<string, unknown>[] });
    }
    return builds;
  }

  /** Keeps a stack's unit builds, all of them in one file (temp file, then rename). */
  write(stack: string, builds: ReadonlyMap<string, UnitBuild>): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.file(stack);
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(builds)));
    fs.renameSync(tmp, file);
  }

  private file(stack: string): string {
    return path.join(this.dir, `${stack}.json`);
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
