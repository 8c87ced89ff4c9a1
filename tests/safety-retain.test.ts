import * as assert from "assert";
import { runStack, STACKS, T } from "./support/stacks";

describe("nothing is deleted by accident", () => {
  for (const stack of STACKS) {
    it(`${stack}: keeps namespaces, workloads and their deny-all on delete, and nothing else`, async () => {
      const capture = await runStack(stack);
      const retained = capture.resources
        .filter((r) => r.retainOnDelete)
        .map((r) => `${r.type} ${r.name}`)
        .sort();
      assert.deepStrictEqual(retained, [
        `${T.deployment} accounts-deployment`,
        `${T.deployment} finance-deployment`,
        `${T.namespace} accounts-namespace`,
        `${T.namespace} finance-namespace`,
        `${T.service} accounts-service`,
        `${T.serviceAccount} accounts-serviceaccount`,
        `${T.serviceAccount} finance-serviceaccount`,
        `${T.policy} accounts-deny-all`,
        `${T.policy} finance-deny-all`,
      ]);
    });
  }

  it("keeps on delete exactly what GitOps tools are told not to prune", async () => {
    const capture = await runStack("cluster-1");
    for (const r of capture.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      const annotations = (r.inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {};
      const noPrune =
        annotations["argocd.argoproj.io/sync-options"] === "Prune=false" &&
        annotations["kustomize.toolkit.fluxcd.io/prune"] === "disabled";
      assert.strictEqual(r.retainOnDelete, noPrune, r.name);
    }
  });

  it("retains no policy but deny-all: a removed allow must really be revoked, a removed app refuse everyone", async () => {
    const capture = await runStack("cluster-1");
    const policies = capture.resources.filter((r) => r.type === T.policy);
    assert.ok(policies.length >= 4);
    for (const p of policies)
      assert.strictEqual(
        p.retainOnDelete,
        p.name.endsWith("-deny-all") && !p.name.endsWith("waypoint-deny-all"),
        p.name,
      );
  });
});
