import * as assert from "assert";
import { CaptureError } from "./support/run-program";
import { clusterIdentityProblems } from "../components/cluster-identity";
import { clusterOf, find, run, stackSettings, T } from "./support/stacks";

describe("the right cluster, always", () => {
  const settings = stackSettings("cluster-1");

  describe("clusterIdentityProblems", () => {
    it("is empty when istiod and istio-system match the stack", () => {
      assert.deepStrictEqual(
        clusterIdentityProblems(settings, [{ name: "CLUSTER_ID", value: "cluster-1" }], {
          "topology.istio.io/network": "network1",
        }),
        [],
      );
    });

    it("names the context, what the cluster says and what the stack declares", () => {
      assert.deepStrictEqual(
        clusterIdentityProblems(settings, [{ name: "CLUSTER_ID", value: "cluster-2" }], {
          "topology.istio.io/network": "network2",
        }),
        [
          'kube context "k3d-cluster-1" reaches Istio cluster "cluster-2", but mesh-lab:clusterName is "cluster-1"',
          'kube context "k3d-cluster-1": istio-system is on network "network2", but mesh-lab:network is "network1"',
        ],
      );
    });

    it("treats a cluster with no Istio identity as a mismatch", () => {
      assert.deepStrictEqual(clusterIdentityProblems(settings, [], {}), [
        'kube context "k3d-cluster-1" reaches Istio cluster (istiod sets no CLUSTER_ID), but mesh-lab:clusterName is "cluster-1"',
        'kube context "k3d-cluster-1": istio-system is on network (no topology.istio.io/network label), but mesh-lab:network is "network1"',
      ]);
    });
  });

  it("reads istiod and istio-system through the stack's own provider before deploying", async () => {
    const capture = await run(settings);
    assert.deepStrictEqual([...capture.reads].sort(), [
      "kubernetes:apps/v1:Deployment|istio-system/istiod",
      "kubernetes:core/v1:Namespace|istio-system",
    ]);
    const provider = find(capture, T.provider, "mesh-k8s");
    assert.deepStrictEqual(
      capture.readProviders,
      capture.reads.map(() => `${provider.urn}::mesh-k8s-id`),
    );
    assert.deepStrictEqual(capture.violations, []);
  });

  it("refuses a context that reaches the other cluster, before any Kubernetes resource is registered", async () => {
    // given cluster-1's stack whose context reaches cluster-2
    const failed = await run(settings, clusterOf({ clusterName: "cluster-2", network: "network2" })).catch(
      (e: unknown) => e,
    );
    // then the run fails, naming the mismatch, and only the components and the provider exist
    assert.ok(failed instanceof CaptureError, String(failed));
    assert.strictEqual((failed.cause as Error).name, "WrongClusterError");
    assert.match(
      (failed.cause as Error).message,
      /^stack "cluster-1" refuses to deploy to this cluster:\n {2}- kube context "k3d-cluster-1" reaches Istio cluster "cluster-2", but mesh-lab:clusterName is "cluster-1"/,
    );
    assert.ok(
      (failed.cause as Error).message.endsWith(
        "\nFix mesh-lab:kubeContext in Pulumi.cluster-1.yaml, or the cluster's declared name/network if they are wrong.",
      ),
      (failed.cause as Error).message,
    );
    assert.deepStrictEqual(
      failed.resources.filter((r) => r.type.startsWith("kubernetes:")),
      [],
    );
    assert.deepStrictEqual(failed.resources.filter((r) => r.type === T.provider).length, 1);
  });

  it("reads CLUSTER_ID from istiod's discovery container, wherever it is, else from the only container", async () => {
    const istiod = (containers: unknown[]) => ({
      ...clusterOf(settings),
      "kubernetes:apps/v1:Deployment|istio-system/istiod": {
        metadata: { name: "istiod", namespace: "istio-system" },
        spec: { template: { spec: { containers } } },
      },
    });
    const env = (id: string) => [{ name: "CLUSTER_ID", value: id }];
    // a sidecar first, with another cluster's id: discovery's own is the one that counts
    await run(
      settings,
      istiod([
        { name: "proxy", env: env("cluster-2") },
        { name: "discovery", env: env("cluster-1") },
      ]),
    );
    // a renamed single container still carries the id
    await run(settings, istiod([{ name: "pilot", env: env("cluster-1") }]));
    const failed = await run(settings, istiod([{ name: "pilot", env: env("cluster-2") }])).catch((e: unknown) => e);
    assert.ok(failed instanceof CaptureError && (failed.cause as Error).name === "WrongClusterError", String(failed));
    // an istiod without env at all: no CLUSTER_ID, which is refused, not taken for a match
    const bare = await run(settings, istiod([{ name: "discovery" }])).catch((e: unknown) => e);
    assert.ok(bare instanceof CaptureError, String(bare));
    assert.match(
      (bare.cause as Error).message,
      /reaches Istio cluster \(istiod sets no CLUSTER_ID\), but mesh-lab:clusterName is "cluster-1"/,
    );
  });
});
