import * as assert from "assert";
import { parseSettings } from "../config/parse-settings";
import { defaultApps, run, runStack, STACKS, withConfig } from "./support/stacks";

describe("stack outputs", () => {
  for (const stack of STACKS) {
    it(`${stack}: kube context, cluster, namespaces, the accounts host and the policy names`, async () => {
      const { outputs } = await runStack(stack);
      assert.deepStrictEqual(outputs, {
        kubeContext: `k3d-${stack}`,
        clusterName: stack,
        network: stack === "cluster-1" ? "network1" : "network2",
        namespaces: ["accounts", "finance"],
        serviceHosts: { accounts: "accounts.accounts.svc.cluster.local" },
        accountsHost: "accounts.accounts.svc.cluster.local",
        policyNames: {
          accounts: ["deny-all", "waypoint-deny-all", "allow-from-finance", "allow-waypoint"],
          finance: ["deny-all"],
        },
        keptOnDelete: ["accounts", "finance"],
      });
    });
  }

  it("takes the host from the Service's own namespace", async () => {
    const apps = defaultApps();
    apps[0].namespace = "accounts-prod";
    const { outputs } = await run(parseSettings("cluster-1", withConfig("cluster-1", { apps })));
    assert.strictEqual(outputs.accountsHost, "accounts.accounts-prod.svc.cluster.local");
    assert.deepStrictEqual(outputs.namespaces, ["accounts-prod", "finance"]);
  });
});

describe("component outputs (registerOutputs), which the engine keeps in the stack state", () => {
  it("MeshCluster lists its namespaces; each MeshApp its namespace, host and policies", async () => {
    const capture = await runStack("cluster-1");
    const outputsOf = (type: string, name: string) =>
      capture.componentOutputs![capture.resources.find((r) => r.type === type && r.name === name)!.urn];
    assert.deepStrictEqual(outputsOf("mesh-lab:index:MeshCluster", "mesh"), { namespaces: ["accounts", "finance"] });
    assert.deepStrictEqual(outputsOf("mesh-lab:index:MeshApp", "accounts"), {
      namespace: "accounts",
      host: "accounts.accounts.svc.cluster.local",
      policyNames: ["deny-all", "waypoint-deny-all", "allow-from-finance", "allow-waypoint"],
    });
    assert.deepStrictEqual(outputsOf("mesh-lab:index:MeshApp", "finance"), {
      namespace: "finance",
      policyNames: ["deny-all"],
    });
  });
});
