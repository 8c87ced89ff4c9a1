import * as assert from "assert";
import { parseSettings } from "../config/parse-settings";
import { find, names, run, stackSettings, T, withConfig } from "./support/stacks";

const spec = (capture: Awaited<ReturnType<typeof run>>, name: string) => find(capture, T.policy, name).inputs.spec;

describe("authorization policies", () => {
  describe("with a waypoint (the default)", () => {
    it("denies all in every app namespace", async () => {
      const capture = await run(stackSettings("cluster-1"));
      assert.deepStrictEqual(spec(capture, "accounts-deny-all"), {});
      assert.deepStrictEqual(spec(capture, "finance-deny-all"), {});
      assert.deepStrictEqual(find(capture, T.policy, "accounts-deny-all").inputs.metadata, {
        name: "deny-all",
        namespace: "accounts",
        labels: { "app.kubernetes.io/part-of": "mesh-lab" },
        // Argo CD applies policies in a wave before the workloads, as dependsOn orders pulumi up
        annotations: { "argocd.argoproj.io/sync-wave": "-1" },
      });
    });

    it("checks the caller at the waypoint: allow-from-finance targets the Gateway", async () => {
      const capture = await run(stackSettings("cluster-1"));
      assert.deepStrictEqual(spec(capture, "accounts-allow-from-finance"), {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }],
        action: "ALLOW",
        rules: [{ from: [{ source: { namespaces: ["finance"] } }] }],
      });
    });

    it("lets the waypoint's own identity through the ztunnel deny-all", async () => {
      const capture = await run(stackSettings("cluster-1"));
      assert.deepStrictEqual(spec(capture, "accounts-allow-waypoint"), {
        action: "ALLOW",
        rules: [{ from: [{ source: { principals: ["cluster.local/ns/accounts/sa/waypoint"] } }] }],
      });
    });

    it("uses the stack's trust domain in that principal", async () => {
      const capture = await run(parseSettings("cluster-1", withConfig("cluster-1", { trustDomain: "mesh.example" })));
      const rules = spec(capture, "accounts-allow-waypoint") as { rules: { from: { source: { principals: string[] } }[] }[] };
      assert.deepStrictEqual(rules.rules[0].from[0].source.principals, ["mesh.example/ns/accounts/sa/waypoint"]);
    });
  });

  describe("without a waypoint", () => {
    it("keeps allow-from-finance a plain L4 namespace policy and adds no waypoint allow", async () => {
      const capture = await run(parseSettings("cluster-1", withConfig("cluster-1", { waypoints: "false" })));
      assert.deepStrictEqual(spec(capture, "accounts-allow-from-finance"), {
        action: "ALLOW",
        rules: [{ from: [{ source: { namespaces: ["finance"] } }] }],
      });
      assert.deepStrictEqual(names(capture, T.policy), ["accounts-allow-from-finance", "accounts-deny-all", "finance-deny-all"]);
    });
  });
});
