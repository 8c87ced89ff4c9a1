import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseSettings } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { buildPlan } from "../plan/mesh-plan";
import { renderCli, snapshot, tempProject } from "./support/render-project";
import { find, run, withConfig } from "./support/stacks";

const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const settingsWith = (changes: Record<string, unknown>) => parseSettings("cluster-1", withConfig("cluster-1", changes));

describe("observability, end to end: the plan, pulumi up and the render", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("adds nothing with the default deploy: none (the workshop's clusters have no prometheus-operator)", () => {
    const plan = buildPlan(settingsWith({}));
    assert.deepStrictEqual(
      plan.objects.filter((o) => o.layer === "observability"),
      [],
    );
  });

  it("registers the SLO rule under its app and the dashboard under the cluster, through the stack's provider", async () => {
    const capture = await run(settingsWith({ observability: { deploy: "all" } }));
    assert.deepStrictEqual(capture.violations, []);
    const rule = find(capture, RULE, "accounts-slo-rule");
    const dashboard = find(capture, CONFIG_MAP, "mesh-dashboard");
    assert.match(rule.parent, /MeshApp::accounts$/);
    assert.match(dashboard.parent, /MeshCluster::mesh$/);
    for (const r of [rule, dashboard]) assert.match(r.provider, /mesh-k8s/);
    assert.strictEqual((dashboard.inputs.metadata as { labels: Record<string, string> }).labels.grafana_dashboard, "1");
  });

  it("renders them into a layer of their own, observability/<stack>/, that the cluster's overlay includes and kustomize builds", async () => {
    dir = tempProject({ "cluster-1": { "mesh-lab:observability": { deploy: "all" } } });
    const result = await renderCli(dir);
    // The render builds every overlay with kubectl kustomize (where it is on PATH) before it writes.
    assert.strictEqual(result.code, 0, result.stderr);
    const tree = snapshot(path.join(dir, "gitops"));
    const layer = [...tree.keys()].filter((p) => p.startsWith("observability/"));
    assert.deepStrictEqual(layer, [
      "observability/cluster-1/configmap-monitoring.mesh-lab-dashboard-cluster-1.yaml",
      "observability/cluster-1/kustomization.yaml",
      "observability/cluster-1/prometheusrule-monitoring.accounts-slo.yaml",
    ]);
    assert.match(tree.get("clusters/cluster-1/kustomization.yaml")!, /- \.\.\/\.\.\/observability\/cluster-1\n/);
    assert.doesNotMatch(tree.get("clusters/cluster-2/kustomization.yaml")!, /observability/);
  });

  it("refuses, before anything is registered or written, a tag renamed in the Telemetry that the rules still read", async () => {
    const telemetry = {
      overrides: [
        {
          match: { metric: "REQUEST_COUNT" },
          tagOverrides: {
            err_kind: { value: "response.code >= 500 ? 'server_error' : 'none'" },
            slow_request: { value: "request.duration > duration('1s') ? 'true' : 'false'" },
          },
        },
      ],
    };
    assert.throws(
      () => buildPlan(settingsWith({ observability: { deploy: "rules" }, telemetry })),
      (e: unknown) => e instanceof ConfigError && /label "error_type" is read by PrometheusRule/.test(e.message),
    );
    dir = tempProject({
      "cluster-1": { "mesh-lab:observability": { deploy: "rules" }, "mesh-lab:telemetry": telemetry },
    });
    const before = snapshot(dir);
    const result = await renderCli(dir);
    assert.strictEqual(result.code, 2, result.stderr);
    assert.match(result.stderr, /stack "cluster-1": .*label "error_type"/);
    assert.deepStrictEqual(snapshot(dir), before);
  });
});
