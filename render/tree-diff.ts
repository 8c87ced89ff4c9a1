import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";
export interface TreeDiff {
  /** Paths whose content differs, is missing on disk, or is on disk but not rendered. */
  readonly changed: readonly string[];
  /** A unified diff from the tree on disk (`a/`) to the rendered one (`b/`), git style; empty when equal. */
  readonly patch: string;
}

/** Compares the tree on disk with the rendered one; `label` prefixes the paths in the diff (`gitops`). */
export function diffTrees(
  onDisk: ReadonlyMap<string, string>,
  rendered: ReadonlyMap<string, string>,
  label: string,
): TreeDiff {
  const paths = [...new Set([...onDisk.keys(), ...rendered.keys()])].sort();
  const changed = paths.filter((p) => onDisk.get(p) !== rendered.get(p));
  if (changed.length === 0) return { changed, patch: "" };
  const patch = changed
    .map((p) => {
      const before = onDisk.get(p);
      const after = rendered.get(p);
      const name = `${label.replace(/^\/+/, "")}/${p}`;
      const sp = structuredPatch(
        before === undefined ? "/dev/null" : `a/${name}`,
        after === undefined ? "/dev/null" : `b/${name}`,
        before ?? "",
        after ?? "",
        undefined,
        undefined,
        { context: 3 },
      );
      return formatPatch(sp, FILE_HEADERS_ONLY);
    })
    .join("");
  return { changed, patch };
}
