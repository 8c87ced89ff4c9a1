import * as assert from "assert";
import * as path from "path";
import { buildPlan } from "../plan/mesh-plan";
import { objectKey } from "../render/kube-object";
import { readTree } from "./support/render-project";
import { buildUnits } from "./support/units";
import { SAMPLE, STACKS, stackSettings } from "./support/stacks";

// The committed gitops/ tree is the snapshot of whole objects: each object the plan builds for a real stack must
// be, field for field, the one its stack's units yield (built in-process; tests/kustomize-invariant.test.ts checks the
// model against the real kubectl kustomize). Other tests assert behaviour, not whole literals. After an intended
// change, `npm run render` updates the snapshot and the diff is reviewed in the pull request.
const committed = readTree(path.join(SAMPLE, "gitops"));
const keyOf = (m: Record<string, unknown>) => {
  const meta = m.metadata as { name: string; namespace?: string };
  return objectKey(String(m.apiVersion), String(m.kind), meta.namespace, meta.name);
};

describe("the committed gitops/ tree is the snapshot of every planned object", () => {
  for (const stack of STACKS) {
    describe(stack, () => {
      const overlay = new Map(buildUnits(committed, stack).map((m) => [keyOf(m), m]));
      const objects = buildPlan(stackSettings(stack)).objects;

      for (const o of objects) {
        it(`${o.manifest.kind} ${o.manifest.metadata.namespace ?? ""}/${o.manifest.metadata.name} (${o.name}) is as committed`, () => {
          const m = o.manifest as unknown as Record<string, unknown>;
          assert.deepStrictEqual(m, overlay.get(keyOf(m)), `run npm run render if the change is intended`);
        });
      }

      it("holds nothing the plan does not", () => {
        assert.deepStrictEqual(
          [...overlay.keys()].sort(),
          objects.map((o) => keyOf(o.manifest as unknown as Record<string, unknown>)).sort(),
        );
      });
    });
  }
});
