import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Capture, runProgram } from "./support/run-program";
import { RecordedResource } from "./support/recorder";
import { adoptionWarnings } from "../components/adoption";
import { PATCH_FORCE } from "../components/deploy-marks";
import { parseSettings } from "../config/parse-settings";
import { readStackInputs } from "../config/pulumi-config";
import { buildPlan } from "../plan/mesh-plan";
import { clusterOf, program, run, stackSettings, STACKS, T, warnings as logged, withConfig } from "./support/stacks";

const JOB = "kubernetes:batch/v1:Job";
const adopting = (stack: string, changes: Record<string, unknown> = {}) =>
  parseSettings(stack, withConfig(stack, { adoptExisting: "true", ...changes }));
const kube = (c: Capture) => c.resources.filter((r) => r.type.startsWith("kubernetes:"));
const annotations = (r: RecordedResource) =>
  (r.inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {};

// The inputs with the adoption mark taken out: what the object is, apart from how it is applied.
function withoutMark(r: RecordedResource): Record<string, unknown> {
  const metadata = { ...(r.inputs.metadata as Record<string, unknown>) };
  const rest = Object.fromEntries(Object.entries(annotations(r)).filter(([k]) => k !== "pulumi.com/patchForce"));
  if (Object.keys(rest).length > 0) metadata.annotations = rest;
  else delete metadata.annotations;
  return { ...r.inputs, metadata };
}

/** Runs the real entry point (config read as the CLI hands it over), returning what it sent to its warning hook. */
async function entryWarnings(raw: Record<string, string>, stack: string): Promise<string[]> {
  pulumi.runtime.setAllConfig(raw);
  try {
    logged.length = 0;
    await runProgram(() => program(readStackInputs())(), clusterOf(parseSettings(stack, raw)));
    return [...logged];
  } finally {
    pulumi.runtime.setAllConfig({});
  }
}

describe("adopting objects applied by hand (adoptExisting)", () => {
  for (const stack of STACKS) {
    describe(stack, () => {
      it("is off by default: no upsert on the provider, no forced apply on any object, no warning", async () => {
        const capture = await run(stackSettings(stack));
        const provider = capture.resources.find((r) => r.type === T.provider)!;
        assert.deepStrictEqual(Object.keys(provider.inputs).sort(), ["clusterIdentifier", "context"]);
        assert.deepStrictEqual(
          kube(capture)
            .filter((r) => "pulumi.com/patchForce" in annotations(r))
            .map((r) => r.name),
          [],
        );
        assert.deepStrictEqual(adoptionWarnings(stackSettings(stack)), []);
      });

      it("when true, upserts through the provider and applies every object with force", async () => {
        const capture = await run(adopting(stack));
        const provider = capture.resources.find((r) => r.type === T.provider)!;
        // Provider inputs reach the engine JSON-encoded.
        assert.strictEqual(provider.inputs.upsertExistingObjects, "true");
        assert.ok(kube(capture).length >= 10);
        for (const r of kube(capture))
          assert.strictEqual(annotations(r)["pulumi.com/patchForce"], "true", `${r.type} ${r.name}`);
      });

      it("changes nothing else: same resources, same logical names, same content apart from the mark", async () => {
        const plain = await run(stackSettings(stack));
        const adopted = await run(adopting(stack));
        // The engine records resources as their inputs resolve, not in program order: compare as sets.
        assert.deepStrictEqual(adopted.resources.map((r) => r.urn).sort(), plain.resources.map((r) => r.urn).sort());
        const byUrn = (c: Capture) => [...kube(c)].sort((x, y) => (x.urn < y.urn ? -1 : 1));
        assert.deepStrictEqual(
          byUrn(adopted).map(withoutMark),
          byUrn(plain).map((r) => r.inputs),
        );
        assert.deepStrictEqual(
          byUrn(adopted).map((r) => r.retainOnDelete),
          byUrn(plain).map((r) => r.retainOnDelete),
        );
      });

      it("leaves the GitOps tree as it is: the plan the render reads is the same either way", () => {
        assert.deepStrictEqual(buildPlan(adopting(stack)).objects, buildPlan(stackSettings(stack)).objects);
      });

      it("warns on every deploy run while it is on, through the real entry point", async () => {
        const raw = { ...withConfig(stack, { adoptExisting: "true" }) };
        const warnings = await entryWarnings(raw, stack);
        // The mock's stack is named "capture": readStackInputs takes the name from the engine, as under pulumi up.
        assert.deepStrictEqual(warnings, adoptionWarnings(parseSettings("capture", raw)));
        assert.strictEqual(warnings.length, 1);
        assert.deepStrictEqual(await entryWarnings({ ...withConfig(stack, {}) }, stack), []);
      });
    });
  }

  it("tells the user to switch it off after the first up, and why", () => {
    assert.deepStrictEqual(adoptionWarnings(adopting("cluster-1")), [
      'mesh-lab:adoptExisting is true on stack "cluster-1": existing objects are taken over and applied with force. ' +
        "After the first successful pulumi up, run npm run adopt:release -- --stack cluster-1 --apply and set it back to false " +
        "(pulumi config set mesh-lab:adoptExisting false; docs/adoption.md): while it is true, " +
        "a renamed resource creates over its live object and then deletes it (pulumi-kubernetes#2926), and a kubectl edit is overwritten without a conflict.",
    ]);
  });

  it("marks the probe namespace but not the check Jobs, which are new objects on every run", async () => {
    const capture = await run(adopting("cluster-1", { verifyPolicies: "true" }));
    const probe = capture.resources.find((r) => r.type === T.namespace && r.name === "mesh-probe-namespace")!;
    assert.strictEqual(annotations(probe)["pulumi.com/patchForce"], "true");
    const jobs = capture.resources.filter((r) => r.type === JOB);
    assert.strictEqual(jobs.length, 2);
    for (const j of jobs) assert.strictEqual(annotations(j)["pulumi.com/patchForce"], undefined, j.name);
  });

  it("uses the annotation pulumi-kubernetes reads", () => {
    assert.deepStrictEqual(PATCH_FORCE, { "pulumi.com/patchForce": "true" });
  });
});
