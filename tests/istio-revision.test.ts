import * as assert from "assert";
import { CaptureError, Capture } from "./support/run-program";
import { clusterIdentityProblems, istiodLocation } from "../components/cluster-identity";
import { parseSettings } from "../config/parse-settings";
import { MeshSettings } from "../config/schema";
import { planned, run, stackSettings, STACKS, T, withConfig } from "./support/stacks";

const settingsWith = (changes: Record<string, unknown>) => parseSettings("cluster-1", withConfig("cluster-1", changes));
const labels = (c: Capture, type: string) =>
  c.resources
    .filter((r) => r.type === type)
    .map((r) => ({ name: r.name, labels: (r.inputs.metadata as { labels: Record<string, string> }).labels }));

/** A cluster whose istiod is `<namespace>/<name>`, right for the stack in every other way. */
function clusterWithIstiod(settings: MeshSettings, namespace: string, name: string) {
  return {
    [`kubernetes:apps/v1:Deployment|${namespace}/${name}`]: {
      metadata: { name, namespace },
      spec: {
        template: {
          spec: { containers: [{ name: "discovery", env: [{ name: "CLUSTER_ID", value: settings.clusterName }] }] },
        },
      },
    },
    [`kubernetes:core/v1:Namespace|${namespace}`]: {
      metadata: { name: namespace, labels: { "topology.istio.io/network": settings.network } },
    },
  };
}

describe("Istio installed with a revision or in another namespace", () => {
  describe("istiodLocation", () => {
    it("is istio-system/istiod by default, istiod-<rev> with a revision, in the configured namespace", () => {
      assert.deepStrictEqual(istiodLocation(stackSettings("cluster-1")), {
        namespace: "istio-system",
        name: "istiod",
        id: "istio-system/istiod",
      });
      assert.deepStrictEqual(istiodLocation({ istioRevision: "1-28", istiodNamespace: "istio-helm" }), {
        namespace: "istio-helm",
        name: "istiod-1-28",
        id: "istio-helm/istiod-1-28",
      });
    });
  });

  it("reads istiod-<rev> and the network label of istiod's own namespace", async () => {
    const settings = settingsWith({ istioRevision: "canary", istiodNamespace: "istio-helm" });
    const capture = await run(settings, clusterWithIstiod(settings, "istio-helm", "istiod-canary"));
    assert.deepStrictEqual([...capture.reads].sort(), [
      "kubernetes:apps/v1:Deployment|istio-helm/istiod-canary",
      "kubernetes:core/v1:Namespace|istio-helm",
    ]);
  });

  it("names istiod's namespace when its network label differs", () => {
    const settings = settingsWith({ istiodNamespace: "istio-helm" });
    assert.deepStrictEqual(
      clusterIdentityProblems(settings, [{ name: "CLUSTER_ID", value: "cluster-1" }], {
        "topology.istio.io/network": "network2",
      }),
      ['kube context "k3d-cluster-1": istio-helm is on network "network2", but mesh-lab:network is "network1"'],
    );
  });

  it("stops before any Kubernetes object when istiod is not where the stack says", async () => {
    // given a stack bound to revision canary, on a cluster that runs only the default istiod
    const settings = settingsWith({ istioRevision: "canary" });
    const failed = await run(settings, clusterWithIstiod(settings, "istio-system", "istiod")).catch((e: unknown) => e);
    // then the read of istio-system/istiod-canary fails the run (the engine says the resource does not exist)
    assert.ok(failed instanceof CaptureError, String(failed));
    assert.match(String((failed.cause as Error).message), /istio-system\/istiod-canary/);
    assert.deepStrictEqual(
      failed.resources.filter((r) => r.type.startsWith("kubernetes:")),
      [],
    );
  });

  it("labels the app namespaces, their waypoints and the probe namespace istio.io/rev", async () => {
    const settings = settingsWith({ istioRevision: "canary", verifyPolicies: "true" });
    const capture = await run(settings, clusterWithIstiod(settings, "istio-system", "istiod-canary"));
    for (const { name, labels: l } of [...labels(capture, T.namespace), ...labels(capture, T.gateway)])
      assert.strictEqual(l["istio.io/rev"], "canary", name);
    assert.deepStrictEqual(
      labels(capture, T.gateway).map((g) => g.name),
      ["accounts-waypoint"],
    );
    assert.deepStrictEqual(
      labels(capture, T.namespace)
        .map((n) => n.name)
        .sort(),
      ["accounts-namespace", "finance-namespace", "mesh-probe-namespace"],
    );
  });

  it("puts the label into the GitOps tree too, as a revisioned install needs it there", () => {
    const capture = planned(settingsWith({ istioRevision: "canary" }));
    for (const { name, labels: l } of [...labels(capture, T.namespace), ...labels(capture, T.gateway)])
      assert.strictEqual(l["istio.io/rev"], "canary", name);
  });

  for (const stack of STACKS) {
    it(`leaves ${stack} (default revision) without any istio.io/rev label`, async () => {
      const capture = await run(stackSettings(stack));
      const all = capture.resources
        .filter((r) => r.type.startsWith("kubernetes:"))
        .map((r) => JSON.stringify(r.inputs));
      assert.deepStrictEqual(
        all.filter((t) => t.includes("istio.io/rev")),
        [],
      );
    });
  }

  it("reads an empty istioRevision (the Pulumi.yaml default) as the default revision", () => {
    assert.strictEqual(settingsWith({ istioRevision: "" }).istioRevision, "");
    assert.strictEqual(stackSettings("cluster-1").istiodNamespace, "istio-system");
  });
});
