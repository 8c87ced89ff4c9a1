import * as assert from "assert";
import { parseSettings } from "../config/parse-settings";
import { find, names, run, stackSettings, STACKS, T, withConfig } from "./support/stacks";

describe("app namespaces", () => {
  for (const stack of STACKS) {
    it(`${stack}: enrols accounts and finance in ambient, accounts routed through its waypoint`, async () => {
      const capture = await run(stackSettings(stack));
      assert.deepStrictEqual(names(capture, T.namespace), ["accounts-namespace", "finance-namespace"]);
      assert.deepStrictEqual(find(capture, T.namespace, "accounts-namespace").inputs.metadata, {
        name: "accounts",
        labels: {
          "app.kubernetes.io/part-of": "mesh-lab",
          "istio.io/dataplane-mode": "ambient",
          "istio.io/use-waypoint": "waypoint",
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
        },
        // Argo CD and Flux must not prune what pulumi up keeps on delete
        annotations: { "argocd.argoproj.io/sync-options": "Prune=false", "kustomize.toolkit.fluxcd.io/prune": "disabled" },
      });
      const finance = find(capture, T.namespace, "finance-namespace").inputs.metadata as { labels: Record<string, string> };
      assert.strictEqual(finance.labels["istio.io/dataplane-mode"], "ambient");
      assert.strictEqual(finance.labels["istio.io/use-waypoint"], undefined, "finance asks for no waypoint");
    });
  }

  it("enforces restricted when the stack opts in, still warning and auditing restricted", async () => {
    const capture = await run(parseSettings("cluster-1", withConfig("cluster-1", { podSecurity: "restricted" })));
    const labels = (find(capture, T.namespace, "accounts-namespace").inputs.metadata as { labels: Record<string, string> }).labels;
    assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.strictEqual(labels["pod-security.kubernetes.io/warn"], "restricted");
  });

  it("makes every namespaced resource wait for its namespace", async () => {
    const capture = await run(stackSettings("cluster-1"));
    const namespaced = capture.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type !== T.namespace);
    assert.ok(namespaced.length >= 10);
    for (const r of namespaced) {
      const ns = (r.inputs.metadata as { namespace: string }).namespace;
      assert.ok(r.dependsOn.includes(find(capture, T.namespace, `${ns}-namespace`).urn), `${r.name} does not wait for namespace ${ns}`);
    }
  });
});

describe("waypoint", () => {
  it("deploys Gateway `waypoint` (class istio-waypoint, HBONE 15008) in accounts when on", async () => {
    const capture = await run(stackSettings("cluster-1"));
    assert.deepStrictEqual(names(capture, T.gateway), ["accounts-waypoint"]);
    const gw = find(capture, T.gateway, "accounts-waypoint").inputs;
    assert.deepStrictEqual(gw, {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "waypoint", namespace: "accounts", labels: { "app.kubernetes.io/part-of": "mesh-lab", "istio.io/waypoint-for": "service" } },
      spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] },
    });
  });

  it("deploys none, and drops the use-waypoint label, when the stack turns waypoints off", async () => {
    const capture = await run(parseSettings("cluster-2", withConfig("cluster-2", { waypoints: "false" })));
    assert.deepStrictEqual(names(capture, T.gateway), []);
    const labels = (find(capture, T.namespace, "accounts-namespace").inputs.metadata as { labels: Record<string, string> }).labels;
    assert.strictEqual(labels["istio.io/use-waypoint"], undefined);
  });
});
