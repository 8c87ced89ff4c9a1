import * as assert from "assert";
import { parseSettings } from "../config/parse-settings";
import { buildPlan } from "../plan/mesh-plan";
import { withConfig } from "./support/stacks";

describe("a workload that neither serves nor calls", () => {
  it("runs its image with its args, and has no port and no probes; without args, no args key", () => {
    const apps = [
      { name: "worker", image: "busybox:1.36", args: ["sleep", "3600"] },
      { name: "idle", image: "busybox:1.36" },
    ];
    const settings = parseSettings("cluster-1", withConfig("cluster-1", { apps }));
    const containers = buildPlan(settings)
      .objects.filter((o) => o.manifest.kind === "Deployment")
      .map(
        (o) =>
          (o.manifest as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec
            .template.spec.containers[0],
      );
    assert.deepStrictEqual(
      containers.map((c) => [c.name, c.image, c.args, "ports" in c, "readinessProbe" in c, "command" in c]),
      [
        ["worker", "busybox:1.36", ["sleep", "3600"], false, false, false],
        ["idle", "busybox:1.36", undefined, false, false, false],
      ],
    );
    assert.ok(!("args" in containers[1]));
  });
});
