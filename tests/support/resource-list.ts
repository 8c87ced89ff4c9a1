import * as fs from "fs";
import * as path from "path";
import { Capture } from "./run-program";
import { ROOT } from "./stacks";

/** Where the committed list of a stack's resources lives. */
export function resourceListFile(stack: string): string {
  return path.join(ROOT, "tests", "resource-list", `${stack}.txt`);
}

/**
 * One line per registered resource, its mock URN, sorted. The URN holds the type, the parent's type and the
 * logical name: what the engine uses to match a resource to its state. A mock URN is a change detector, not
 * the engine's exact URN (the engine chains every ancestor's type; the mock only the parent's).
 */
export function resourceList(capture: Capture): string {
  return (
    capture.resources
      .map((r) => r.urn)
      .sort()
      .join("\n") + "\n"
  );
}

/** `- ` lines removed from the committed list, `+ ` lines added by the program; empty when they agree. */
export function listDifferences(committed: string, current: string): string[] {
  const before = new Set(committed.split("\n").filter(Boolean));
  const after = new Set(current.split("\n").filter(Boolean));
  return [
    ...[...before].filter((l) => !after.has(l)).map((l) => `- ${l}`),
    ...[...after].filter((l) => !before.has(l)).map((l) => `+ ${l}`),
  ];
}

export function readResourceList(stack: string): string {
  const file = resourceListFile(stack);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}
