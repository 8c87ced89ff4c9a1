import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { CaptureError, runProgram } from "./support/run-program";
import { IstioInstall } from "../components/istio-install";
import { parseInstallSettings } from "../config/parse-install";
import { installOn, meshMembers, targetOf } from "./support/install";
import { readResourceList, resourceList } from "./support/resource-list";
import { buildPlan } from "../plan/mesh-plan";
import { run, stackRaw, stackSettings, STACKS } from "./support/stacks";

describe("install layer off, and bad install input", () => {
  for (const stack of STACKS) {
    it(`${stack}: the layer is off and the program registers exactly the committed resources, none of the install layer`, async () => {
      assert.strictEqual(parseInstallSettings(stack, stackRaw(stack)).enabled, false);
      const capture = await run(stackSettings(stack));
      assert.strictEqual(resourceList(capture), readResourceList(stack));
      assert.deepStrictEqual(
        capture.resources.filter(
          (r) => r.name.startsWith("mesh-install") || r.type.startsWith("tls:") || r.type.includes("helm.sh"),
        ),
        [],
      );
      assert.deepStrictEqual(
        buildPlan(stackSettings(stack)).objects.filter((o) => o.name.startsWith("mesh-install")),
        [],
      );
    });
  }

  it("refuses a mesh the stacks disagree on before any resource is registered", async () => {
    const members = meshMembers({ "cluster-2": { ...installOn("cluster-2"), meshId: "other" } });
    const failed = await runProgram(() => {
      const target = targetOf("cluster-1", members);
      const provider = new k8s.Provider("mesh-k8s", { context: "k3d-cluster-1" });
      return new IstioInstall("mesh-install", { target, provider });
    }).catch((e: unknown) => e);
    assert.ok(failed instanceof CaptureError, String(failed));
    assert.match(
      (failed.cause as Error).message,
      /stack "cluster-1" has 1 config problem\(s\):\n {2}- key "mesh-lab:install.meshId" is "other" in stack "cluster-2" but "mesh1" in stack "cluster-1"/,
    );
    assert.deepStrictEqual(failed.resources, []);
  });
});
