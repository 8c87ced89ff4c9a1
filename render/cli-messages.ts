import * as fs from "fs";
import { PartialWrite } from "./tree-writer";

/** Removes a directory the render created, unless something was written into it. */
export function rmdirIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty: the render wrote into it
  }
}

/**
 * With `--stack X`, a build failure of another overlay Y means X's new shared files (base/, apps/) would change
 * what Y builds to: one problem per such overlay, saying so, with what differs.
 */
export function sharedLayerProblems(
  problems: readonly string[],
  stack: string | undefined,
  stacks: readonly string[],
): string[] {
  if (stack === undefined) return [...problems];
  const of = (p: string) => stacks.find((s) => s !== stack && p.startsWith(`clusters/${s} `));
  const others = [...new Set(problems.map(of).filter((s): s is string => s !== undefined))];
  return [
    ...problems.filter((p) => of(p) === undefined),
    ...others.map(
      (o) =>
        `--stack ${stack} would change clusters/${o}: it shares base/ and apps/ with ${stack}, and with ${stack}'s new shared files it would no longer build to what ${o} plans (${problems.filter((p) => of(p) === o).join("; ")}); render all stacks (npm run render) so every overlay gets its patches`,
    ),
  ];
}

export function partialWriteMessage(e: PartialWrite, label: string): string {
  const list = (ps: readonly string[]) =>
    ps.length === 0 ? "none" : `${ps.length} (${ps.slice(0, 5).join(", ")}${ps.length > 5 ? ", ..." : ""})`;
  const what =
    e.written.length === 0
      ? "nothing was written"
      : `written before the failure: ${list(e.written)}, each complete (renamed into place)`;
  return `render: writing ${label}/ failed: ${e.cause.message}\n  ${what}\n  not written: ${list(e.pending)}\n  Fix the cause (a read-only directory?) and run the render again: it finishes the tree.\n`;
}
