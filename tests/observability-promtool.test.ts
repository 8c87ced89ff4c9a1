import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { hasSloRule, prometheusRule } from "../plan/observability/prometheus-rule";
import { ObservedCluster } from "../plan/observability/settings";
import { observed, promtool, promtoolMissing } from "./support/observability";

const ACCOUNTS = 'reporter="waypoint",destination_service_namespace="accounts",destination_service_name="accounts"';
const series = (cluster: string, errorType: string, values: string, slow = "false") => ({
  series: `istio_requests_total{${ACCOUNTS},destination_cluster="${cluster}",error_type="${errorType}",slow_request="${slow}"}`,
  values,
});
const alert = (severity: "page" | "ticket", burn: string, budget: string, cluster = "cluster-1") => ({
  exp_labels: {
    severity,
    app: "accounts",
    cluster: "cluster-1",
    slo: "availability",
    destination_cluster: cluster,
    destination_service_namespace: "accounts",
    destination_service_name: "accounts",
  },
  exp_annotations: {
    summary:
      `accounts (accounts) in ${cluster} burns its availability error budget at ${burn}x (` +
      (severity === "page"
        ? "page at 14.4x over 1h and 5m, or 6x over 6h and 30m"
        : "ticket at 3x over 1d and 2h, or 1x over 3d and 6h") +
      "; objective 99.9% over 30d)",
    error_budget_remaining: budget,
  },
});

// promtool evaluates every rule group at each evaluation interval from 0 to the last eval_time, and checks alerts
// at the evaluation at or just before each eval_time (prometheus cmd/promtool/unittest.go, testGroup.test). No rule
// here has a `for` or a subquery, so an evaluation depends only on the input series up to its own instant: every
// 5 minutes checks the same instants as every minute, when each eval_time is a multiple of 5 minutes, at a fifth
// of the cost (hours of series made these the slowest tests of the suite). `onFiveMinuteGrid` holds both to it.
const EVALUATION_MINUTES = 5;

/** Writes the stack's rule groups and a promtool unit test file, runs `promtool test rules`. */
function runTests(cluster: ObservedCluster, tests: object[]): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-promtool-"));
  const groups = cluster.apps.filter(hasSloRule).flatMap((a) => prometheusRule(cluster, a).spec.groups ?? []);
  onFiveMinuteGrid(groups, tests);
  fs.writeFileSync(path.join(dir, "rules.yml"), stringify({ groups }));
  fs.writeFileSync(
    path.join(dir, "test.yml"),
    stringify({ rule_files: ["rules.yml"], evaluation_interval: `${EVALUATION_MINUTES}m`, tests }),
  );
  try {
    return promtool(["test", "rules", "test.yml"], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Throws when the coarse evaluation interval could check a different instant than a one-minute one would. */
function onFiveMinuteGrid(groups: { rules?: object[] }[], tests: object[]): void {
  for (const rule of groups.flatMap((g) => g.rules ?? []) as {
    expr?: unknown;
    for?: unknown;
    keep_firing_for?: unknown;
  }[]) {
    assert.ok(
      rule.for === undefined && rule.keep_firing_for === undefined,
      `a rule has a for clause; evaluate every minute: ${JSON.stringify(rule)}`,
    );
    assert.doesNotMatch(
      String(rule.expr),
      /\[[^\]]*:[^\]]*\]/,
      "a rule has a subquery, whose default step is the evaluation interval",
    );
  }
  for (const t of tests as {
    alert_rule_test?: { eval_time: string }[];
    promql_expr_test?: { eval_time: string }[];
  }[]) {
    for (const { eval_time } of [...(t.alert_rule_test ?? []), ...(t.promql_expr_test ?? [])]) {
      const m = /^(\d+)([mh])$/.exec(eval_time);
      const minutes = m ? Number(m[1]) * (m[2] === "h" ? 60 : 1) : NaN;
      assert.ok(
        minutes % EVALUATION_MINUTES === 0,
        `eval_time ${eval_time} is not a multiple of ${EVALUATION_MINUTES}m`,
      );
    }
  }
}

function expectPass(r: { status: number | null; out: string }): void {
  assert.equal(r.status, 0, r.out);
}

describe("observability: PrometheusRules under promtool", function () {
  before(function () {
    const why = promtoolMissing();
    if (why) {
      console.log(`    skipped: ${why}`);
      this.skip();
    }
  });

  it("promtool check rules accepts every generated rule group of both stacks, for 30- and 28-day windows", function () {
    // One promtool run checks every file and reports on each.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-promtool-"));
    try {
      const files = ["cluster-1", "cluster-2"].flatMap((stack) =>
        [30, 28].map((windowDays) => {
          const c = observed(stack, { observability: { slo: { availability: 99.9, latency: 99, windowDays } } });
          const file = `${stack}-${windowDays}d.yml`;
          fs.writeFileSync(
            path.join(dir, file),
            stringify({ groups: c.apps.filter(hasSloRule).flatMap((a) => prometheusRule(c, a).spec.groups ?? []) }),
          );
          return file;
        }),
      );
      const r = promtool(["check", "rules", ...files], dir);
      assert.equal(r.status, 0, r.out);
      for (const file of files)
        assert.match(r.out, new RegExp(`Checking ${file.replace(/\./g, "\\.")}\\n {2}SUCCESS: 64 rules found`), r.out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a 10% server-error rate pages within five minutes (and opens a ticket); latency stays quiet", function () {
    expectPass(
      runTests(observed(), [
        {
          interval: "1m",
          input_series: [series("cluster-1", "none", "0+90x30"), series("cluster-1", "server_error", "0+10x30")],
          alert_rule_test: [
            {
              eval_time: "5m",
              alertname: "AvailabilityBudgetBurn",
              exp_alerts: [alert("page", "100.0", "-9900.0%"), alert("ticket", "100.0", "-9900.0%")],
            },
            { eval_time: "5m", alertname: "LatencyBudgetBurn", exp_alerts: [] },
          ],
        },
      ]),
    );
  });

  it("a 0.05% server-error rate pages nobody and opens no ticket, for six hours", function () {
    const at = ["5m", "1h", "6h"].map((t) => ({ eval_time: t, alertname: "AvailabilityBudgetBurn", exp_alerts: [] }));
    expectPass(
      runTests(observed(), [
        {
          interval: "1m",
          input_series: [series("cluster-1", "none", "0+1999x360"), series("cluster-1", "server_error", "0+1x360")],
          alert_rule_test: at,
        },
      ]),
    );
  });

  it("no traffic at all (flat counters, or no series) pages nobody and records no ratio instead of 0/0", function () {
    const quiet = ["5m", "1h", "3h"].flatMap((t) =>
      ["AvailabilityBudgetBurn", "LatencyBudgetBurn"].map((alertname) => ({ eval_time: t, alertname, exp_alerts: [] })),
    );
    const flat = [series("cluster-1", "none", "5x180"), series("cluster-1", "server_error", "5x180")];
    const rate =
      'destination_cluster_service:istio_requests:rate5m{destination_cluster="cluster-1",destination_service_namespace="accounts",destination_service_name="accounts"}';
    expectPass(
      runTests(observed(), [
        {
          interval: "1m",
          input_series: flat,
          alert_rule_test: quiet,
          promql_expr_test: [
            {
              expr: "destination_cluster_service:istio_requests:rate5m",
              eval_time: "1h",
              exp_samples: [{ labels: rate, value: 0 }],
            },
            {
              expr: "destination_cluster_service:istio_requests_server_error:ratio_rate5m",
              eval_time: "1h",
              exp_samples: [],
            },
            { expr: "destination_service:istio_requests_server_error:ratio_rate1h", eval_time: "1h", exp_samples: [] },
            {
              expr: "destination_cluster_service:istio_requests_server_error:error_budget_remaining",
              eval_time: "1h",
              exp_samples: [],
            },
          ],
        },
        { interval: "1m", input_series: [{ series: "up", values: "1x180" }], alert_rule_test: quiet },
      ]),
    );
  });

  it("a slow burn (0.5% errors, 5x) opens a ticket and does not page", function () {
    expectPass(
      runTests(observed(), [
        {
          interval: "1m",
          input_series: [series("cluster-1", "none", "0+199x240"), series("cluster-1", "server_error", "0+1x240")],
          alert_rule_test: [
            { eval_time: "3h", alertname: "AvailabilityBudgetBurn", exp_alerts: [alert("ticket", "5.0", "-400.0%")] },
            { eval_time: "4h", alertname: "AvailabilityBudgetBurn", exp_alerts: [alert("ticket", "5.0", "-400.0%")] },
          ],
        },
      ]),
    );
  });

  it("traffic without errors records a ratio of 0, not an absent series, per cluster and mesh-wide", function () {
    const labels = (name: string, cluster?: string) =>
      `${name}{${cluster ? `destination_cluster="${cluster}",` : ""}destination_service_name="accounts",destination_service_namespace="accounts"}`;
    expectPass(
      runTests(observed(), [
        {
          interval: "1m",
          input_series: [series("cluster-1", "none", "0+60x30"), series("cluster-2", "none", "0+60x30")],
          promql_expr_test: [
            {
              expr: "destination_cluster_service:istio_requests_server_error:ratio_rate5m",
              eval_time: "10m",
              exp_samples: [
                {
                  labels: labels("destination_cluster_service:istio_requests_server_error:ratio_rate5m", "cluster-1"),
                  value: 0,
                },
                {
                  labels: labels("destination_cluster_service:istio_requests_server_error:ratio_rate5m", "cluster-2"),
                  value: 0,
                },
              ],
            },
            {
              expr: "destination_service:istio_requests:rate5m",
              eval_time: "10m",
              exp_samples: [{ labels: labels("destination_service:istio_requests:rate5m"), value: 2 }],
            },
            {
              expr: "destination_service:istio_requests_slow:ratio_rate5m",
              eval_time: "10m",
              exp_samples: [{ labels: labels("destination_service:istio_requests_slow:ratio_rate5m"), value: 0 }],
            },
          ],
        },
      ]),
    );
  });

  it("pages for the failing destination cluster only, mesh-wide ratio mixing both", function () {
    expectPass(
      runTests(observed(), [
        {
          interval: "1m",
          input_series: [
            series("cluster-1", "none", "0+100x30"),
            series("cluster-2", "none", "0+50x30"),
            series("cluster-2", "server_error", "0+50x30"),
          ],
          alert_rule_test: [
            {
              eval_time: "10m",
              alertname: "AvailabilityBudgetBurn",
              exp_alerts: [
                alert("page", "500.0", "-49900.0%", "cluster-2"),
                alert("ticket", "500.0", "-49900.0%", "cluster-2"),
              ],
            },
          ],
          promql_expr_test: [
            {
              expr: "destination_service:istio_requests_server_error:ratio_rate5m",
              eval_time: "10m",
              exp_samples: [
                {
                  labels:
                    'destination_service:istio_requests_server_error:ratio_rate5m{destination_service_name="accounts",destination_service_namespace="accounts"}',
                  value: 0.25,
                },
              ],
            },
          ],
        },
      ]),
    );
  });
});
