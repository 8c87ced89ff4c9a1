import * as assert from "assert";
import { buildPlan } from "../plan/mesh-plan";
import { FIXTURE_APPS, fixtureSettings } from "./support/fixtures";

// On fixture apps: web (waypoint, allows client) and client. Whole objects: tests/gitops-snapshot.test.ts.
const policies = (changes: Record<string, unknown> = {}, apps: readonly Record<string, unknown>[] = FIXTURE_APPS) =>
  new Map(
    buildPlan(fixtureSettings(apps, changes))
      .objects.filter((o) => o.manifest.kind === "AuthorizationPolicy")
      .map((o) => [o.name, o.manifest as { metadata: { annotations?: Record<string, string> }; spec?: unknown }]),
  );

describe("authorization policies", () => {
  describe("with a waypoint (the default)", () => {
    it("denies all in every app namespace, in a sync wave before the workloads, and is kept with them on delete", () => {
      const p = policies();
      for (const name of ["web-deny-all", "client-deny-all"]) {
        assert.deepStrictEqual(p.get(name)!.spec, {});
        // Argo CD applies policies before the workloads, as dependsOn orders pulumi up; neither Argo CD nor Flux
        // prunes it, as pulumi up keeps it, so a removed app's pods refuse every caller.
        assert.deepStrictEqual(p.get(name)!.metadata.annotations, {
          "argocd.argoproj.io/sync-wave": "-1",
          "argocd.argoproj.io/sync-options": "Prune=false",
          "kustomize.toolkit.fluxcd.io/prune": "disabled",
        });
      }
      // Every other policy is pruned when it leaves the config: a removed allow is revoked.
      for (const [name, policy] of p)
        if (!name.endsWith("-deny-all") || name.endsWith("waypoint-deny-all"))
          assert.deepStrictEqual(policy.metadata.annotations, { "argocd.argoproj.io/sync-wave": "-1" }, name);
    });

    it("denies all at the waypoint too, which enforces only targetRefs policies: an ALLOW with no rule", () => {
      assert.deepStrictEqual(policies().get("web-waypoint-deny-all")!.spec, {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }],
      });
      // Without it, an app behind a waypoint with no allowFrom would take every caller: the waypoint would have no
      // policy, and the ztunnel lets the waypoint in. buildPlan's access proof refuses such a plan.
      const { allowFrom: _, ...alone } = FIXTURE_APPS[0];
      const { calls: __, ...idle } = FIXTURE_APPS[1];
      const open = policies({}, [alone, idle]);
      assert.ok(open.has("web-waypoint-deny-all"));
    });

    it("checks the caller at the waypoint: allow-from-client targets the Gateway", () => {
      assert.deepStrictEqual(policies().get("web-allow-from-client")!.spec, {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }],
        action: "ALLOW",
        rules: [{ from: [{ source: { namespaces: ["client"] } }] }],
      });
    });

    it("lets the waypoint's own identity through the ztunnel deny-all, in the stack's trust domain", () => {
      assert.deepStrictEqual(policies().get("web-allow-waypoint")!.spec, {
        action: "ALLOW",
        rules: [{ from: [{ source: { principals: ["cluster.local/ns/web/sa/waypoint"] } }] }],
      });
      const spec = policies({ trustDomain: "mesh.example" }).get("web-allow-waypoint")!.spec as {
        rules: { from: { source: { principals: string[] } }[] }[];
      };
      assert.deepStrictEqual(spec.rules[0].from[0].source.principals, ["mesh.example/ns/web/sa/waypoint"]);
    });
  });

  describe("without a waypoint", () => {
    it("keeps allow-from-client a plain L4 namespace policy and adds no waypoint allow", () => {
      const p = policies({ waypoints: "false" });
      assert.deepStrictEqual(p.get("web-allow-from-client")!.spec, {
        action: "ALLOW",
        rules: [{ from: [{ source: { namespaces: ["client"] } }] }],
      });
      assert.deepStrictEqual([...p.keys()], ["web-deny-all", "web-allow-from-client", "client-deny-all"]);
    });
  });
});
