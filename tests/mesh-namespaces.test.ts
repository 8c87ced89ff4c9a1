import * as assert from "assert";
import { buildPlan } from "../plan/mesh-plan";
import { MeshPlan } from "../plan/types";
import { CLIENT, FIXTURE_APPS, fixtureSettings, WEB } from "./support/fixtures";
import { find, runStack, STACKS, stackSettings, T } from "./support/stacks";

// Whole objects are compared with the committed gitops/ tree (tests/gitops-snapshot.test.ts); here, behaviour.
const labelsOf = (p: MeshPlan, name: string) => p.objects.find((o) => o.name === name)!.manifest.metadata.labels!;
const annotationsOf = (p: MeshPlan, name: string) =>
  p.objects.find((o) => o.name === name)!.manifest.metadata.annotations;

describe("app namespaces", () => {
  for (const stack of STACKS) {
    it(`${stack}: enrols every app in ambient, the waypointed ones routed through their waypoint`, () => {
      const settings = stackSettings(stack);
      const p = buildPlan(settings);
      for (const app of settings.apps) {
        const labels = labelsOf(p, `${app.name}-namespace`);
        assert.strictEqual(labels["istio.io/dataplane-mode"], "ambient", app.name);
        const waypoint = settings.waypoints && app.waypoint;
        assert.strictEqual(labels["istio.io/use-waypoint"], waypoint ? "waypoint" : undefined, app.name);
        // Ingress gateways too: else they reach the pods, whose ztunnel admits only the waypoint.
        assert.strictEqual(labels["istio.io/ingress-use-waypoint"], waypoint ? "true" : undefined, app.name);
      }
    });
  }

  it("enforces baseline by default, warning and auditing restricted; restricted when the stack opts in", () => {
    const base = labelsOf(buildPlan(fixtureSettings()), "web-namespace");
    assert.strictEqual(base["pod-security.kubernetes.io/enforce"], "baseline");
    assert.strictEqual(base["pod-security.kubernetes.io/warn"], "restricted");
    assert.strictEqual(base["pod-security.kubernetes.io/audit"], "restricted");
    const restricted = labelsOf(
      buildPlan(fixtureSettings(FIXTURE_APPS, { podSecurity: "restricted" })),
      "web-namespace",
    );
    assert.strictEqual(restricted["pod-security.kubernetes.io/enforce"], "restricted");
    assert.strictEqual(restricted["pod-security.kubernetes.io/warn"], "restricted");
  });

  it("tells Argo CD and Flux not to prune a namespace, since pulumi up keeps it on delete", () => {
    assert.deepStrictEqual(annotationsOf(buildPlan(fixtureSettings()), "client-namespace"), {
      "argocd.argoproj.io/sync-options": "Prune=false",
      "kustomize.toolkit.fluxcd.io/prune": "disabled",
    });
  });

  it("makes every namespaced resource wait for its namespace", async () => {
    const capture = await runStack("cluster-1");
    const namespaced = capture.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type !== T.namespace);
    assert.ok(namespaced.length >= 10);
    for (const r of namespaced) {
      const ns = (r.inputs.metadata as { namespace: string }).namespace;
      assert.ok(
        r.dependsOn.includes(find(capture, T.namespace, `${ns}-namespace`).urn),
        `${r.name} does not wait for namespace ${ns}`,
      );
    }
  });
});

describe("waypoint", () => {
  it("deploys Gateway `waypoint` (class istio-waypoint, HBONE 15008) in a waypointed app's namespace", () => {
    const gateways = buildPlan(fixtureSettings([WEB, CLIENT])).objects.filter((o) => o.manifest.kind === "Gateway");
    assert.deepStrictEqual(
      gateways.map((g) => [g.name, g.manifest.metadata.namespace, g.manifest.metadata.name]),
      [["web-waypoint", "web", "waypoint"]],
    );
    const gw = gateways[0].manifest as { spec?: unknown; metadata: { labels?: Record<string, string> } };
    assert.deepStrictEqual(gw.spec, {
      gatewayClassName: "istio-waypoint",
      listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }],
    });
    assert.strictEqual(gw.metadata.labels!["istio.io/waypoint-for"], "service");
  });
});
