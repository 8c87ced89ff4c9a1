import * as assert from "assert";
import { parseSettings } from "../config/parse-settings";
import { find, planned, run, stackSettings, T, withConfig } from "./support/stacks";

const JOB = "kubernetes:batch/v1:Job";
const verifying = () => parseSettings("cluster-1", withConfig("cluster-1", { verifyPolicies: "true" }));
const annotations = (inputs: Record<string, unknown>) =>
  (inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {};

describe("policy checks start after the waypoint is Programmed", () => {
  it("waits for the waypoint's Programmed condition (pulumi.com/waitFor) when the checks run", async () => {
    const capture = await run(verifying());
    assert.strictEqual(
      annotations(find(capture, T.gateway, "accounts-waypoint").inputs)["pulumi.com/waitFor"],
      "condition=Programmed",
    );
  });

  it("makes every check Job depend on the waypoint, so it starts only once the waypoint counts as created", async () => {
    const capture = await run(verifying());
    const waypoint = find(capture, T.gateway, "accounts-waypoint").urn;
    for (const job of ["accounts-check-from-finance", "accounts-check-denied"])
      assert.ok(find(capture, JOB, job).dependsOn.includes(waypoint), job);
  });

  it("adds nothing without the checks, and nothing to the GitOps tree", async () => {
    assert.deepStrictEqual(
      annotations(find(await run(stackSettings("cluster-1")), T.gateway, "accounts-waypoint").inputs)[
        "pulumi.com/waitFor"
      ],
      undefined,
    );
    assert.deepStrictEqual(
      annotations(find(planned(verifying()), T.gateway, "accounts-waypoint").inputs)["pulumi.com/waitFor"],
      undefined,
    );
  });
});
