import * as fs from "fs";
import * as path from "path";
import { Refusal as UsageError } from "./errors";

/**
 * The list of files the render wrote into its output directory, one path a line. Ownership is recorded rather
 * than inferred from each file's generated header, so a render never has to open files it did not write (a
 * `.git/` object, a binary, a user's file) to find out whose they are.
 */
export const MANIFEST = ".rendered-files";
const MANIFEST_HEADER =
  "# Files `npm run render` wrote here and may replace or delete; nothing else in this directory is touched.";

/** Names the render uses for its own bookkeeping (the manifest, `.render-*`): never part of the tree, never read as tree files. */
export const isBookkeeping = (name: string) => name.startsWith(".render");

/** A file being written (`.<name>.render-tmp-<pid>`), or left by a killed render: the next render removes it. */
const TEMP_FILE = /\.render-tmp-[0-9]+$/;

export function manifestText(paths: Iterable<string>): string {
  return `${MANIFEST_HEADER}\n${[...new Set(paths)].sort().join("\n")}\n`;
}

/** The owned paths, or undefined when the directory has no manifest (the render never wrote there). */
export function readManifest(dir: string, label: string): Set<string> | undefined {
  const file = path.join(dir, MANIFEST);
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (st === undefined) return undefined;
  if (!st.isFile())
    throw new UsageError(`${label}/${MANIFEST} is not a regular file (a symlink?); refusing to follow it`);
  const paths = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
  for (const p of paths) checkRelative(p, `${label}/${MANIFEST}`);
  return new Set(paths);
}

/** A manifest entry must stay inside the directory: no absolute path, no `..`, no empty segment. */
function checkRelative(p: string, where: string): void {
  if (p.startsWith("/") || p.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw new UsageError(
      `${where} lists ${JSON.stringify(p)}, which is not a path inside the directory; refusing to use it`,
    );
  }
}

/**
 * The state of `rel` under `dir` without following any symlink: "missing", "file", or a UsageError naming the
 * symlink (or non-file) found on the way.
 */
export function inspect(dir: string, rel: string, label: string): "missing" | "file" {
  const parts = rel.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join("/");
    const st = fs.lstatSync(path.join(dir, sub), { throwIfNoEntry: false });
    if (st === undefined) return "missing";
    if (st.isSymbolicLink())
      throw new UsageError(
        `${label}/${sub} is a symlink; the render never follows symlinks inside its output (remove it, or render elsewhere)`,
      );
    const last = i === parts.length;
    if (last && !st.isFile())
      throw new UsageError(
        `${label}/${sub} is not a regular file, where the render writes one; refusing to replace it`,
      );
    if (!last && !st.isDirectory())
      throw new UsageError(`${label}/${sub} is not a directory, where the render needs one; refusing to replace it`);
  }
  return "file";
}

/**
 * The paths the render owns in `dir`: its manifest's. Refuses (UsageError) a file at a path it would write that
 * it does not own.
 */
export function ownedPaths(dir: string, wanted: Iterable<string>, label: string): Set<string> {
  const manifest = readManifest(dir, label);
  const owned = new Set(manifest ?? []);
  const foreign: string[] = [];
  for (const rel of wanted) {
    if (owned.has(rel) || inspect(dir, rel, label) === "missing") continue;
    foreign.push(rel);
  }
  if (foreign.length > 0) {
    const list = foreign
      .slice(0, 5)
      .map((p) => `${label}/${p}`)
      .join(", ");
    throw new UsageError(
      `${list}${foreign.length > 5 ? ` and ${foreign.length - 5} more` : ""}: a file the render did not write is where it would write one; refusing to overwrite it (move it, or render into another --out)`,
    );
  }
  return owned;
}

/**
 * Files under `dir` that sit in a directory holding a file the render writes (`owned`, below the top level) but
 * that the render did not write: a file added by hand to `clusters/<stack>/` is one. The render never reads,
 * changes or removes them; `--check` reports them, since Flux or a hand-written kustomization may pick them up.
 * Symlinks are reported, not followed.
 */
export function strayFiles(dir: string, owned: Iterable<string>): string[] {
  const ownedSet = new Set(owned);
  const dirs = new Set([...ownedSet].map((p) => path.posix.dirname(p)).filter((d) => d !== "."));
  const holdsOwned = (rel: string) => dirs.has(rel) || [...dirs].some((d) => d.startsWith(`${rel}/`));
  const strays: string[] = [];
  for (const d of [...dirs].sort()) {
    const st = fs.lstatSync(path.join(dir, d), { throwIfNoEntry: false });
    if (!st?.isDirectory()) continue;
    for (const e of fs.readdirSync(path.join(dir, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (isBookkeeping(e.name) || TEMP_FILE.test(e.name) || ownedSet.has(rel) || (e.isDirectory() && holdsOwned(rel)))
        continue;
      strays.push(e.isDirectory() ? `${rel}/` : rel);
    }
  }
  return strays.sort();
}
