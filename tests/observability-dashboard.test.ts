import { strict as assert } from "assert";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import {
  dashboardModel,
  dashboardQueries,
  dashboardUid,
  grafanaDashboard,
  stableJson,
} from "../plan/observability/dashboard";
import { observed } from "./support/observability";

// The model packages are ES modules only: loaded with a real import().
const importEsm = (s: string) => import(s) as Promise<Record<string, new (data: unknown) => { validate(): void }>>;
const json = (c = observed()) => JSON.parse(Object.values(grafanaDashboard(c).data!)[0]) as dashboard.Dashboard;

/** Every field the SDK's defaults give a type must keep that type: a runtime check against the SDK's own model. */
function sameShape(what: string, value: Record<string, unknown>, defaults: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(defaults)) {
    if (v === undefined || value[k] === undefined) continue;
    assert.equal(Array.isArray(value[k]), Array.isArray(v), `${what}.${k}`);
    assert.equal(typeof value[k], typeof v, `${what}.${k}`);
  }
}

describe("observability: the Grafana dashboard of a cluster", () => {
  it("is a schema-valid ConfigMap with the kube-prometheus-stack sidecar label, in the configured namespace", async () => {
    const cm = grafanaDashboard(observed("cluster-2", { observability: { namespace: "obs" } }));
    const { ConfigMap } = await importEsm("kubernetes-models/v1/ConfigMap");
    new ConfigMap(cm).validate();
    assert.deepEqual(cm.metadata, {
      name: "mesh-lab-dashboard-cluster-2",
      namespace: "obs",
      labels: { grafana_dashboard: "1", "app.kubernetes.io/part-of": "mesh-lab" },
    });
    assert.deepEqual(Object.keys(cm.data!), ["mesh-lab-cluster-2.json"]);
  });

  it("has the panels the SLOs need, each querying Prometheus through the datasource variable", () => {
    const d = json();
    assert.deepEqual(
      d.panels!.map((p) => [(p as dashboard.Panel).type, (p as dashboard.Panel).title]),
      [
        ["timeseries", "Request rate"],
        ["timeseries", "Error ratio by error_type"],
        ["timeseries", 'Slow ratio (slow_request="true")'],
        ["timeseries", "Calls by source_workload_namespace"],
        ["stat", "accounts: availability budget left (99.9% / 30d)"],
        ["stat", "accounts: latency budget left (99% / 30d)"],
        ["timeseries", "accounts: burn rate over 1h (page at 14.4x, 6x over 6h)"],
      ],
    );
    assert.deepEqual(
      d.templating.list!.map((v) => [v.type, v.name, v.query]),
      [["datasource", "datasource", "prometheus"]],
    );
    for (const p of d.panels as dashboard.Panel[]) {
      assert.deepEqual(p.datasource, { type: "prometheus", uid: "${datasource}" });
      for (const t of p.targets ?? [])
        assert.match(
          String((t as { expr?: string }).expr),
          /istio_requests_total\{reporter="waypoint",destination_service_namespace=/,
        );
    }
    const budget = (d.panels![4] as dashboard.Panel).targets![0] as unknown as { expr: string };
    assert.equal(
      budget.expr,
      '1 - ((sum(increase(istio_requests_total{reporter="waypoint",destination_service_namespace="accounts",destination_service_name="accounts",error_type="server_error"}[30d])) or vector(0)) / ' +
        '(sum(increase(istio_requests_total{reporter="waypoint",destination_service_namespace="accounts",destination_service_name="accounts"}[30d])) > 0)) / 0.001',
    );
  });

  it("lays panels on Grafana's 24-column grid without overlap, with unique ids", () => {
    const panels = json().panels as dashboard.Panel[];
    const cells = new Set<string>();
    for (const p of panels) {
      const g = p.gridPos!;
      assert.ok(g.x >= 0 && g.x + g.w <= 24, `${p.title} fits 24 columns`);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
    }
    assert.deepEqual(
      panels.map((p) => p.id),
      [1, 2, 3, 4, 5, 6, 7],
    );
  });

  it("keeps the types of the SDK's own defaults for the dashboard, its panels and their grid positions", () => {
    const d = json();
    sameShape(
      "dashboard",
      d as unknown as Record<string, unknown>,
      dashboard.defaultDashboard() as unknown as Record<string, unknown>,
    );
    for (const p of d.panels as dashboard.Panel[]) {
      sameShape(
        p.title!,
        p as unknown as Record<string, unknown>,
        dashboard.defaultPanel() as unknown as Record<string, unknown>,
      );
      sameShape(
        `${p.title}.gridPos`,
        p.gridPos as unknown as Record<string, unknown>,
        dashboard.defaultGridPos() as unknown as Record<string, unknown>,
      );
    }
    assert.equal(d.uid, "mesh-lab-cluster-1");
    assert.ok(typeof d.schemaVersion === "number");
  });

  it("renders byte for byte the same every time, keys sorted, no timestamps or random uids", () => {
    const a = Object.values(grafanaDashboard(observed()).data!)[0];
    assert.equal(Object.values(grafanaDashboard(observed()).data!)[0], a);
    assert.equal(
      stableJson({ b: 1, a: [{ d: 1, c: 2 }] }),
      '{\n  "a": [\n    {\n      "c": 2,\n      "d": 1\n    }\n  ],\n  "b": 1\n}',
    );
    assert.equal(a, stableJson(JSON.parse(a)));
    assert.doesNotMatch(a, /20\d\d-\d\d-\d\dT/);
  });

  it("keeps uids within Grafana's 40 characters, stable for a long cluster name", () => {
    assert.equal(dashboardUid("c".repeat(31)), `mesh-lab-${"c".repeat(31)}`, "40 characters stay as they are");
    assert.match(
      dashboardUid("c".repeat(32)),
      new RegExp(`^mesh-lab-${"c".repeat(22)}-[0-9a-f]{8}$`),
      "41 are shortened",
    );
    const long = `c${"x".repeat(62)}`;
    assert.equal(dashboardUid(long).length, 40);
    assert.equal(dashboardUid(long), dashboardUid(long));
    assert.notEqual(dashboardUid(long), dashboardUid(`${long.slice(0, -1)}y`));
  });

  it("queries the waypoints' istio_requests_total of the measured apps, with $__rate_interval read as 5m", () => {
    const sel = (extra = "") =>
      `istio_requests_total{reporter="waypoint",destination_service_namespace=~"accounts"${extra}}`;
    const by = "destination_service_namespace, destination_service_name";
    assert.deepStrictEqual(dashboardQueries(dashboardModel(observed())).slice(0, 3), [
      { panel: "Request rate", expr: `sum by (${by}) (rate(${sel()}[5m]))` },
      {
        panel: "Error ratio by error_type",
        expr: `sum by (${by}, error_type) (rate(${sel()}[5m])) / ignoring (error_type) group_left sum by (${by}) (rate(${sel()}[5m]))`,
      },
      {
        panel: `Slow ratio (slow_request="true")`,
        expr: `sum by (${by}) (rate(${sel(`,slow_request="true"`)}[5m])) / sum by (${by}) (rate(${sel()}[5m]))`,
      },
    ]);
  });

  it("shows no SLO panels for an app with slo: false, and traffic panels only for apps behind a waypoint", () => {
    assert.equal(dashboardModel(observed("cluster-1", { slos: [false] })).panels!.length, 4);
    const none = dashboardModel(observed("cluster-1", { config: { waypoints: false } }));
    assert.equal(none.panels!.length, 4);
    assert.match(
      String(((none.panels![0] as dashboard.Panel).targets![0] as unknown as { expr: string }).expr),
      /destination_service_namespace=~"none"/,
    );
  });
});
