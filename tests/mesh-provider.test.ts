import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./support/run-program";
import { clusterOf, find, program, run, stackSettings, STACKS, T, runStack } from "./support/stacks";

describe("MeshCluster provider", () => {
  for (const stack of STACKS) {
    describe(`stack ${stack}`, () => {
      it("creates one explicit provider for the stack's kube context, its identity pinned to the cluster name", async () => {
        const capture = await runStack(stack);
        const providers = capture.resources.filter((r) => r.type === T.provider);
        assert.strictEqual(providers.length, 1);
        assert.strictEqual(providers[0].name, "mesh-k8s");
        assert.strictEqual(providers[0].inputs.context, `k3d-${stack}`);
        assert.strictEqual(providers[0].inputs.clusterIdentifier, stack);
      });

      it("hands that provider to every Kubernetes resource", async () => {
        const capture = await runStack(stack);
        const provider = find(capture, T.provider, "mesh-k8s");
        const k8sResources = capture.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(k8sResources.length >= 10);
        for (const r of k8sResources)
          assert.strictEqual(r.provider, `${provider.urn}::mesh-k8s-id`, `${r.name} uses ${r.provider}`);
        assert.deepStrictEqual(capture.violations, []);
      });
    });
  }

  it("passes the kubeconfig on as a secret, and only when one is set", async () => {
    const settings = stackSettings("cluster-1");
    const without = await run(settings);
    assert.strictEqual(find(without, T.provider, "mesh-k8s").inputs.kubeconfig, undefined);
    const withIt = await runProgram(
      program({ settings, kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") }),
      clusterOf(settings),
    );
    const provider = find(withIt, T.provider, "mesh-k8s");
    assert.deepStrictEqual(provider.secretInputs, ["kubeconfig"]);
  });

  it("records a Kubernetes resource created without a provider as a violation", async () => {
    // given a program that forgets the provider on one resource
    const settings = stackSettings("cluster-1");
    const capture = await runProgram(() => {
      new k8s.core.v1.ConfigMap("stray", { metadata: { name: "stray" } });
      return program({ settings })();
    }, clusterOf(settings));
    // then the recording mock reports exactly that resource
    assert.deepStrictEqual(capture.violations, [
      'kubernetes:core/v1:ConfigMap "stray" has no explicit provider and would use the default one',
    ]);
  });
});
