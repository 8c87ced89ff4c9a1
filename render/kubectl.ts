import * as fs from "fs";
import * as path from "path";

// kubectl as the render's build check and `npm run access` run it: which binary, and how units are grouped.

/** The kubectl to run: `$KUBECTL`, else `kubectl` on PATH; undefined when there is none. */
export function findKubectl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KUBECTL !== undefined) return env.KUBECTL !== "" && isExecutable(env.KUBECTL) ? env.KUBECTL : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, "kubectl");
    if (dir !== "" && isExecutable(file)) return file;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * How many units one `kubectl kustomize` builds. Kustomize's cost grows faster than linearly with the objects of one
 * build, and each kubectl process costs about 50 ms to start: builds of 40 units (a few hundred objects) keep both
 * small (docs/performance.md).
 */
export const UNITS_PER_BUILD = 40;

/**
 * Makes `dir` one kustomization that includes the unit directories `units`: kustomize builds each as it builds it
 * alone, and refuses an object that two of them hold.
 */
export function writeGroup(dir: string, units: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const resources = units.map((u) => path.relative(dir, u).split(path.sep).join("/"));
  fs.writeFileSync(path.join(dir, "kustomization.yaml"), JSON.stringify({ resources }));
}
