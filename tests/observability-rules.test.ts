import { strict as assert } from "assert";
import { hasSloRule, prometheusRule, ruleName } from "../plan/observability/prometheus-rule";
import { sloWarnings } from "../plan/observability/problems";
import { WINDOWS } from "../config/slo-math";
import { observed } from "./support/observability";

// The model packages are ES modules only: loaded with a real import().
const importEsm = (s: string) => import(s) as Promise<Record<string, new (data: unknown) => { validate(): void }>>;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe("observability: the PrometheusRule of a serving app", () => {
  const cluster = observed();
  const accounts = cluster.apps.find((a) => a.name === "accounts")!;
  const rule = prometheusRule(cluster, accounts);
  const rules = rule.spec.groups!.flatMap((g) => g.rules ?? []);

  it("is one schema-valid PrometheusRule named <app>-slo in the configured namespace, carrying the ruleSelector labels", async () => {
    const { PrometheusRule } = await importEsm(
      "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule",
    );
    new PrometheusRule(rule).validate();
    assert.deepEqual(rule.metadata, {
      name: "accounts-slo",
      namespace: "monitoring",
      labels: { release: "kube-prometheus-stack", "app.kubernetes.io/part-of": "mesh-lab", "mesh-lab/app": "accounts" },
    });
    assert.deepEqual(
      rule.spec.groups!.map((g) => g.name),
      ["mesh-lab-accounts-slo"],
    );
  });

  it("fails schema validation when an alert loses its expression (the validator is really checking)", async () => {
    const { PrometheusRule } = await importEsm(
      "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule",
    );
    const broken = JSON.parse(JSON.stringify(rule));
    delete broken.spec.groups[0].rules[0].expr;
    assert.throws(() => new PrometheusRule(broken).validate(), /expr/);
  });

  it("records request rate, error and slow ratios for every alert window, per destination cluster and mesh-wide, and the budget left", () => {
    const records = rules.filter((r) => r.record).map((r) => r.record!);
    for (const w of WINDOWS) {
      for (const level of ["destination_cluster_service", "destination_service"]) {
        assert.ok(records.includes(`${level}:istio_requests:rate${w}`), `${level} rate ${w}`);
        assert.ok(records.includes(`${level}:istio_requests_server_error:ratio_rate${w}`), `${level} errors ${w}`);
        assert.ok(records.includes(`${level}:istio_requests_slow:ratio_rate${w}`), `${level} slow ${w}`);
      }
    }
    assert.ok(records.includes("destination_cluster_service:istio_requests_server_error:ratio_rate30d"));
    assert.ok(records.includes("destination_cluster_service:istio_requests_slow:error_budget_remaining"));
    assert.equal(new Set(records).size, records.length, "no series recorded twice");
    // Every rule reads this app's series only: two apps' rules must never write the same series.
    for (const r of rules)
      assert.match(String(r.expr), /destination_service_namespace="accounts",destination_service_name="accounts"/);
    assert.match(String(rules[0].expr), /istio_requests_total\{reporter="waypoint",/);
  });

  it("pages and tickets per SLI with the workbook's pairs, labelled severity, app, cluster and slo, with burn rate and budget in annotations", () => {
    const alerts = rules.filter((r) => r.alert);
    assert.deepEqual(
      alerts.map((a) => [a.alert, a.labels]),
      [
        ["AvailabilityBudgetBurn", { severity: "page", app: "accounts", cluster: "cluster-1", slo: "availability" }],
        ["AvailabilityBudgetBurn", { severity: "ticket", app: "accounts", cluster: "cluster-1", slo: "availability" }],
        ["LatencyBudgetBurn", { severity: "page", app: "accounts", cluster: "cluster-1", slo: "latency" }],
        ["LatencyBudgetBurn", { severity: "ticket", app: "accounts", cluster: "cluster-1", slo: "latency" }],
      ],
    );
    const page = String(alerts[0].expr);
    assert.equal(
      page,
      [
        "(",
        '  destination_cluster_service:istio_requests_server_error:ratio_rate1h{destination_service_namespace="accounts",destination_service_name="accounts"} / 0.001 > 14.4',
        "and",
        '  destination_cluster_service:istio_requests_server_error:ratio_rate5m{destination_service_namespace="accounts",destination_service_name="accounts"} / 0.001 > 14.4',
        ")",
        "or",
        "(",
        '  destination_cluster_service:istio_requests_server_error:ratio_rate6h{destination_service_namespace="accounts",destination_service_name="accounts"} / 0.001 > 6',
        "and",
        '  destination_cluster_service:istio_requests_server_error:ratio_rate30m{destination_service_namespace="accounts",destination_service_name="accounts"} / 0.001 > 6',
        ")",
      ].join("\n"),
    );
    assert.match(String(alerts[3].expr), /ratio_rate3d\{[^}]*\} \/ 0\.01 > 1\nand\n.*ratio_rate6h/);
    assert.match(
      alerts[0].annotations!.summary,
      /at \{\{ \$value \| printf "%\.1f" \}\}x \(page at 14\.4x over 1h and 5m, or 6x over 6h and 30m; objective 99\.9% over 30d\)/,
    );
    assert.match(alerts[0].annotations!.error_budget_remaining, /query/);
  });

  it("uses an app's own objective over the stack's, and the stack's window", () => {
    const c = observed("cluster-1", {
      observability: { slo: { availability: 99.9, latency: 99, windowDays: 28 } },
      slos: [{ availability: 99.5 }],
    });
    const alerts = prometheusRule(c, c.apps[0]).spec.groups![0].rules!.filter((r) => r.alert);
    assert.match(String(alerts[0].expr), /ratio_rate1h\{[^}]*\} \/ 0\.005 > 13\.44/);
    assert.match(String(alerts[2].expr), /ratio_rate1h\{[^}]*\} \/ 0\.01 > 13\.44/);
  });

  it("has a valid Kubernetes name for the longest app name (40 characters: the policy-check Job names bound it)", () => {
    const name = "a".repeat(40);
    const c = observed("cluster-1", { config: { apps: [{ name, image: "nginx:1.27", port: 80, waypoint: true }] } });
    assert.equal(ruleName(c.apps[0]), `${name}-slo`);
    assert.match(ruleName(c.apps[0]), DNS_SUBDOMAIN);
    assert.ok(ruleName(c.apps[0]).length <= 253);
  });

  it("makes no rule for a client, an app with slo: false, or an app without a waypoint, and refuses to build one", () => {
    const c = observed("cluster-1", { slos: [false] });
    assert.deepEqual(c.apps.map(hasSloRule), [false, false]);
    assert.throws(
      () => prometheusRule(c, c.apps[1]),
      /^Error: app "finance" has no SLO rule: it needs a port, an slo and a waypoint$/,
    );
  });
});

describe("observability: an SLO where no waypoint produces request metrics", () => {
  const noWaypoint = {
    apps: [
      { name: "accounts", image: "hashicorp/http-echo:1.0", port: 8080, waypoint: false, allowFrom: ["finance"] },
      { name: "finance", image: "curlimages/curl:8.11.1", calls: ["accounts"] },
    ],
  };

  it("warns, naming the app's key and the fix, and generates no rule, like the telemetry warnings", () => {
    const c = observed("cluster-1", { config: noWaypoint });
    assert.equal(hasSloRule(c.apps[0]), false);
    assert.deepEqual(sloWarnings(c), [
      'stack "cluster-1": mesh-lab:apps[0] ("accounts") has an SLO but no waypoint, and in ambient mode request metrics come only from a waypoint ' +
        '(ztunnel\'s traffic metrics are istio_tcp_* only); no PrometheusRule or budget panel is generated for it: set waypoint: true on app "accounts", or slo: false to say so',
    ]);
  });

  it("counts the stack switch too: waypoints: false leaves every app without one", () => {
    const c = observed("cluster-1", { config: { waypoints: false } });
    assert.equal(sloWarnings(c).length, 1);
    assert.equal(c.apps[0].waypoint, false);
  });

  it("says it once for a fleet, naming the first five apps and how many more", () => {
    const apps = Array.from({ length: 7 }, (_, i) => ({
      name: `svc-${i}`,
      image: "hashicorp/http-echo:1.0",
      port: 8080,
      waypoint: false,
    }));
    const warnings = sloWarnings(observed("cluster-1", { config: { apps } }));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^stack "cluster-1": 7 apps \(mesh-lab:apps\[0\] \("svc-0"\), .*mesh-lab:apps\[4\] \("svc-4"\) and 2 more\) have an SLO but no waypoint, .*generated for them: set waypoint: true on those apps, or slo: false to say so$/,
    );
  });

  it("says nothing with slo: false, with deploy: none, or for the stacks as they are", () => {
    assert.deepEqual(sloWarnings(observed("cluster-1", { config: noWaypoint, slos: [false] })), []);
    assert.deepEqual(sloWarnings(observed("cluster-1", { config: noWaypoint, observability: { deploy: "none" } })), []);
    assert.deepEqual(sloWarnings(observed("cluster-1")), []);
    assert.deepEqual(sloWarnings(observed("cluster-2")), []);
  });
});

describe("observability: a tag expression that never yields the value an SLO counts as bad", () => {
  it("warns, naming the value's key, when the CEL has no such literal; says nothing for the default tags", () => {
    const telemetry = {
      overrides: [
        {
          match: { metric: "REQUEST_COUNT" },
          tagOverrides: {
            error_type: { value: "response.code >= 500 ? 'server' : 'ok'" },
            slow_request: { value: "request.duration > duration('1s') ? 'true' : 'false'" },
          },
        },
      ],
    };
    assert.deepEqual(sloWarnings(observed("cluster-1", { config: { telemetry } })), [
      'stack "cluster-1": key "mesh-lab:telemetry.overrides[0].tagOverrides.error_type.value" has no string literal \'server_error\', and the availability SLO ' +
        'counts error_type="server_error" as bad: if the expression never yields it, every request counts as good and no alert can fire',
    ]);
    assert.deepEqual(
      sloWarnings(observed("cluster-1", { config: { telemetry }, observability: { deploy: "dashboards" } })),
      [],
    );
  });
});
