import * as fs from "fs";
import * as path from "path";
import { readTree } from "../tests/support/render-project";
import { buildUnits } from "../tests/support/units";

/**
 * The objects each cluster's units of a rendered tree build to, `{ stack: manifest[] }`, written as JSON: the
 * input of the cdk8s synth, computed once outside the timed region. It uses the in-process kustomize model
 * (tests/support/kustomize-model.ts), which tests/kustomize-invariant.test.ts checks against the real kustomize.
 */
export function writeOverlayObjects(gitopsDir: string, stacks: readonly string[], file: string): number {
  const tree = readTree(gitopsDir);
  const out: Record<string, Record<string, unknown>[]> = {};
  let count = 0;
  for (const stack of stacks) {
    out[stack] = buildUnits(tree, stack);
    count += out[stack].length;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(out));
  return count;
}
