import { strict as assert } from "assert";
import { meshMap } from "../plan/observability/mesh-map";
import { meshMapMarkdown, observabilityObjects } from "../plan/observability/plan";
import { observed } from "./support/observability";

describe("observability: the objects a stack deploys", () => {
  const names = (deploy: "none" | "dashboards" | "rules" | "all", slos?: false[]) =>
    observabilityObjects(observed("cluster-1", { observability: { deploy }, slos })).map((o) => [
      o.logicalName,
      o.object.kind,
      o.object.metadata?.name,
      o.app,
    ]);

  it("deploys nothing by default, so pulumi up works on a cluster without prometheus-operator", () => {
    assert.deepEqual(names("none"), []);
  });

  it("deploys the dashboard ConfigMap, the PrometheusRules, or both, as deploy says", () => {
    assert.deepEqual(names("dashboards"), [["mesh-dashboard", "ConfigMap", "mesh-lab-dashboard-cluster-1", undefined]]);
    assert.deepEqual(names("rules"), [["accounts-slo-rule", "PrometheusRule", "accounts-slo", "accounts"]]);
    assert.deepEqual(names("all"), [
      ["accounts-slo-rule", "PrometheusRule", "accounts-slo", "accounts"],
      ["mesh-dashboard", "ConfigMap", "mesh-lab-dashboard-cluster-1", undefined],
    ]);
    assert.ok(observabilityObjects(observed()).every((o) => o.layer === "observability"));
  });

  it("leaves out the rule of an app with slo: false", () => {
    assert.deepEqual(names("rules", [false]), []);
  });

  it("wraps the mesh map in a Markdown section GitHub renders", () => {
    const c = observed("cluster-2");
    assert.equal(meshMapMarkdown(c), `### cluster-2\n\n\`\`\`mermaid\n${meshMap(c)}\`\`\`\n`);
  });
});
