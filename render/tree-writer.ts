import * as fs from "fs";
import * as path from "path";
import { sortedTree, Tree } from "./files";
import { inspect, MANIFEST, manifestText, ownedPaths } from "./ownership";
import { pidAlive } from "./render-lock";
import { pauseAt } from "./write-pause";

// `<name>.render-tmp-<pid>`: a file being written; left only by a killed render, whose pid is then dead.
const TEMP = /\.render-tmp-([0-9]+)$/;

/**
 * The files of `dir` the render owns, with their content: for `--check` and to merge `--stack` renders. Reads
 * nothing else (no `.git/`, no user file) and follows no symlink.
 */
export function readOwnedTree(dir: string, label: string, wanted: Iterable<string> = []): Map<string, string> {
  const files = new Map<string, string>();
  const real = resolveOut(dir);
  if (real === undefined) return files;
  for (const rel of ownedPaths(real, wanted, label)) {
    if (inspect(real, rel, label) === "file") files.set(rel, fs.readFileSync(path.join(real, rel), "utf8"));
  }
  return sortedTree(files);
}

/**
 * The directory written into: `dir` itself, or the target of `dir` when `dir` is a symlink (written through,
 * so the link stays a link and its target is what gets updated). Undefined when it does not exist.
 */
export function resolveOut(dir: string): string | undefined {
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (st === undefined) return undefined;
  return st.isSymbolicLink() ? fs.realpathSync(dir) : dir;
}

/** What a write did before it failed: for an honest message. */
export class PartialWrite extends Error {
  constructor(
    public readonly written: readonly string[],
    public readonly pending: readonly string[],
    public readonly cause: Error,
  ) {
    super(cause.message);
    this.name = "PartialWrite";
  }
}

export interface WriteHooks {
  /** Called before each file operation (tests fail here to simulate a full or read-only disk). */
  readonly beforeWrite?: (rel: string) => void;
}

/**
 * Makes the owned files of `dir` exactly `tree`: each changed file is written to a temporary file beside it
 * and renamed over it (readers see the old or the new file, never half of one), files it owns that are no
 * longer rendered are deleted, and nothing else in `dir` is read, changed or removed. `dir` itself is never
 * removed or renamed. The manifest is widened before any write and narrowed after, so a render killed at any
 * point leaves files the next one owns, repairs and cleans up. Returns the paths it changed.
 */
export function writeOwnedTree(dir: string, tree: Tree, label: string, hooks: WriteHooks = {}): string[] {
  const real = resolveOut(dir) ?? (fs.mkdirSync(dir, { recursive: true, mode: 0o755 }), dir);
  const owned = ownedPaths(real, tree.keys(), label);
  for (const rel of new Set([...owned, ...tree.keys()])) inspect(real, rel, label);
  removeStaleTemps(real, [...owned, ...tree.keys()]);
  const changed = [...tree]
    .filter(([rel, content]) => !owned.has(rel) || !sameContent(path.join(real, rel), content))
    .map(([rel]) => rel);
  const stale = [...owned].filter((rel) => !tree.has(rel));
  const done: string[] = [];
  try {
    writeManifest(real, manifestText([...owned, ...tree.keys()]), hooks);
    const made = new Set<string>();
    for (const rel of changed) {
      writeFile(real, rel, tree.get(rel)!, hooks, made);
      done.push(rel);
      pauseAt(`written:${done.length}`);
    }
    for (const rel of stale) {
      hooks.beforeWrite?.(rel);
      fs.rmSync(path.join(real, rel), { force: true });
      removeEmptyParents(real, rel);
      done.push(rel);
    }
    writeManifest(real, manifestText(tree.keys()), hooks);
  } catch (e) {
    throw new PartialWrite(
      done,
      [...changed, ...stale].filter((p) => !done.includes(p)),
      e as Error,
    );
  }
  return [...changed, ...stale];
}

function writeManifest(root: string, text: string, hooks: WriteHooks): void {
  if (!sameContent(path.join(root, MANIFEST), text)) writeFile(root, MANIFEST, text, hooks);
}

function sameContent(file: string, content: string): boolean {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st !== undefined && st.size === Buffer.byteLength(content) && fs.readFileSync(file, "utf8") === content;
}

/** Temp file beside the target, then rename: keeps an existing file's mode; a new one gets 0644 less the umask. */
function writeFile(root: string, rel: string, content: string, hooks: WriteHooks, made: Set<string> = new Set()): void {
  hooks.beforeWrite?.(rel);
  const file = path.join(root, ...rel.split("/"));
  // One mkdir per directory, not per file: a fleet's tree is thousands of files in a few hundred directories.
  if (!made.has(path.dirname(file))) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    made.add(path.dirname(file));
  }
  const tmp = `${path.join(path.dirname(file), `.${path.basename(file)}`)}.render-tmp-${process.pid}`;
  const mode = fs.statSync(file, { throwIfNoEntry: false })?.mode;
  try {
    fs.writeFileSync(tmp, content, { flag: "wx", mode: 0o644 });
    if (mode !== undefined) fs.chmodSync(tmp, mode & 0o7777);
    pauseAt(`temp:${rel}`);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Temp files a killed render left (its pid is dead) in the directories of the paths the render owns. */
function removeStaleTemps(root: string, paths: readonly string[]): void {
  const dirs = new Set(["", ...paths.map((p) => path.posix.dirname(p)).map((d) => (d === "." ? "" : d))]);
  for (const d of dirs) {
    const abs = path.join(root, d);
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st?.isDirectory()) continue;
    for (const name of fs.readdirSync(abs)) {
      const m = TEMP.exec(name);
      if (m && !pidAlive(Number(m[1])) && fs.lstatSync(path.join(abs, name)).isFile()) fs.rmSync(path.join(abs, name));
    }
  }
}

/** Removes directories a deleted file leaves empty, up to (not including) the root; a non-empty one stays. */
function removeEmptyParents(root: string, rel: string): void {
  for (let d = path.posix.dirname(rel); d !== "." && d !== ""; d = path.posix.dirname(d)) {
    try {
      fs.rmdirSync(path.join(root, d));
    } catch {
      return;
    }
  }
}
