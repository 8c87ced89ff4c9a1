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
 * With `--stack X`, a build failure of another stack Y's units means X's new shared files (base/, apps/) would change
 * what Y builds to: one problem per such stack, saying so, with what differs.
 */
export function sharedLayerProblems(
  problems: readonly string[],
  stack: string | undefined,
  stacks: readonly string[],
): string[] {
  if (stack === undefined) return [...problems];
  // A build problem starts with the unit it is about (clusters/<s>, tenants/<s>/<app>) or with "<s>'s units".
  const named = (p: string) => /^(?:clusters\/([^ ,/]+)[ ,]|tenants\/([^/]+)\/|([^ ']+)'s units )/.exec(p);
  const of = (p: string) => {
    const m = named(p);
    const s = m?.[1] ?? m?.[2] ?? m?.[3];
    return s !== undefined && s !== stack && stacks.includes(s) ? s : undefined;
  };
  const others = [...new Set(problems.map(of).filter((s): s is string => s !== undefined))];
  return [
    ...problems.filter((p) => of(p) === undefined),
    ...others.map(
      (o) =>
        `--stack ${stack} would change ${o}'s units: they share base/ and apps/ with ${stack}, and with ${stack}'s new shared files they would no longer build to what ${o} plans (${problems.filter((p) => of(p) === o).join("; ")}); render all stacks (npm run render) so every unit gets its patches`,
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

/**
 * The stacks whose objects this render moves out of `clusters/<stack>/` into tenant units: the tree on disk was
 * rendered before the units (it owns object files in `clusters/<stack>/`) and the new tree has none there.
 */
export function movingStacks(owned: readonly string[], next: ReadonlyMap<string, string>): string[] {
  const withTenants = new Set([...next.keys()].flatMap((q) => (q.startsWith("tenants/") ? [q.split("/")[1]] : [])));
  const stacks = new Set<string>();
  for (const p of owned) {
    const m = /^clusters\/([^/]+)\/(?!kustomization\.yaml$)[^/]+\.yaml$/.exec(p);
    if (m && !next.has(p) && withTenants.has(m[1])) stacks.add(m[1]);
  }
  return [...stacks].sort();
}

export function movingNote(stacks: readonly string[], label: string): string {
  return `note: this tree moves the objects of ${stacks.join(", ")} from ${label}/clusters/<stack>/ into one unit per app (${label}/tenants/<stack>/<app>/). Before you push it, follow docs/gitops.md, "Moving to units": with Argo CD, turn off the cluster Application's prune until the tenant Applications are synced; with Flux, suspend the cluster's Kustomization until the tenant Kustomizations are ready. Otherwise the cluster's Application or Kustomization may delete objects before their unit applies them\n`;
}
