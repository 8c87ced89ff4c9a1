import { strict as assert } from "assert";
import { dashboardModel, dashboardQueries } from "../plan/observability/dashboard";
import { observabilityProblems } from "../plan/observability/problems";
import { checkPromql, ISTIO_STANDARD_LABELS, position, readPromql } from "../plan/observability/promql-check";
import { prometheusRule } from "../plan/observability/prometheus-rule";
import { defaults, observed } from "./support/observability";

const KNOWN = new Set<string>(ISTIO_STANDARD_LABELS);

describe("observability: PromQL parsed with lezer-promql", () => {
  it("reads label names from matchers, by, on, group_left, ignoring and quoted UTF-8 names", () => {
    assert.deepEqual(
      readPromql('sum by (a) (x) / on (b) group_left (c) y{d!~"e"} unless ignoring (f) z').labels.map((l) => l.name),
      ["a", "b", "c", "d", "f"],
    );
    assert.deepEqual(readPromql('{"utf.label"="v"}').labels, [{ name: "utf.label", offset: 1 }]);
    assert.deepEqual(
      readPromql("sum without (g) (rate(x[5m]))").labels.map((l) => l.name),
      ["g"],
    );
  });

  it("reports a syntax error with its line and column", () => {
    assert.deepEqual(checkPromql('sum(rate(x{reporter="waypoint"}[5m])', KNOWN).syntax, [
      "PromQL syntax error at line 1, column 37 (end of expression)",
    ]);
    assert.deepEqual(
      checkPromql("rate(x[5m]) +\n  ) y", KNOWN).syntax[0],
      'PromQL syntax error at line 2, column 3 near ")"',
    );
    assert.equal(position("ab\ncd", 4), "line 2, column 2");
  });

  it("lists the labels that are not known, once each", () => {
    assert.deepEqual(checkPromql('sum by (err_kind) (x{err_kind="a", reporter="waypoint"})', KNOWN), {
      syntax: [],
      unknownLabels: ["err_kind"],
    });
  });

  it("parses every generated expression of both stacks without an error and finds only known labels", () => {
    for (const stack of ["cluster-1", "cluster-2"]) assert.deepEqual(observabilityProblems(observed(stack)), []);
  });

  it("sees the labels the generated rules and dashboard really read, so the check has something to check", () => {
    const c = observed();
    const exprs = [
      ...prometheusRule(c, c.apps[0]).spec.groups![0].rules!.map((r) => String(r.expr)),
      ...dashboardQueries(dashboardModel(c)).map((q) => q.expr),
    ];
    const read = new Set(exprs.flatMap((e) => readPromql(e).labels.map((l) => l.name)));
    for (const l of [
      "reporter",
      "destination_cluster",
      "destination_service_name",
      "destination_service_namespace",
      "error_type",
      "slow_request",
      "source_workload_namespace",
    ]) {
      assert.ok(read.has(l), l);
    }
  });
});

describe("observability: a tag renamed in the Telemetry while rules and panels still read it", () => {
  type Overrides = { match: { metric: string }; tagOverrides: Record<string, unknown> }[];
  function renamed(change: (overrides: Overrides) => void, observability = {}) {
    const t = defaults().telemetry;
    change(t.overrides);
    return observabilityProblems(observed("cluster-1", { config: { telemetry: t }, observability }));
  }
  const renameErrorType = (o: Overrides) => {
    o[0].tagOverrides = { err_kind: o[0].tagOverrides.error_type, slow_request: o[0].tagOverrides.slow_request };
  };

  it("fails validation with one message naming the tag, its readers and the config keys of the tags that exist", () => {
    assert.deepEqual(renamed(renameErrorType), [
      'stack "cluster-1": label "error_type" is read by PrometheusRule accounts-slo (SLO of mesh-lab:apps[0]), dashboard panel "Error ratio by error_type", ' +
        'dashboard panel "accounts: availability budget left (99.9% / 30d)", dashboard panel "accounts: burn rate over 1h (page at 14.4x, 6x over 6h)", ' +
        "but it is neither a standard Istio label nor a tag UPSERTed on REQUEST_COUNT or ALL_METRICS in mesh-lab:telemetry.overrides " +
        "(tags there: err_kind at mesh-lab:telemetry.overrides[0].tagOverrides.err_kind, slow_request at mesh-lab:telemetry.overrides[0].tagOverrides.slow_request); " +
        'the availability SLO counts error_type="server_error" as bad: UPSERT a tag named "error_type" there',
    ]);
  });

  it("checks only what the stack deploys: rules alone, dashboards alone, or nothing with deploy: none", () => {
    assert.match(
      renamed(renameErrorType, { deploy: "rules" })[0],
      /read by PrometheusRule accounts-slo \(SLO of mesh-lab:apps\[0\]\), but it/,
    );
    assert.match(
      renamed(renameErrorType, { deploy: "dashboards" })[0],
      /read by dashboard panel "Error ratio by error_type", dashboard panel/,
    );
    assert.deepEqual(renamed(renameErrorType, { deploy: "none" }), []);
  });

  it("fails when a later override REMOVEs the tag, and when the tag only sits on another metric", () => {
    const removed = renamed((o) =>
      o.push({ match: { metric: "ALL_METRICS" }, tagOverrides: { slow_request: { operation: "REMOVE" } } }),
    );
    assert.equal(removed.length, 1);
    assert.match(
      removed[0],
      /^stack "cluster-1": label "slow_request" is read by .*\(tags there: error_type at mesh-lab:telemetry.overrides\[0\].tagOverrides.error_type\); the latency SLO counts slow_request="true" as bad/,
    );
    const elsewhere = renamed((o) => (o[0].match.metric = "REQUEST_DURATION"));
    assert.equal(elsewhere.length, 2);
    assert.match(elsewhere[0], /label "error_type" .*\(tags there: none\)/);
  });

  it("accepts the tag on ALL_METRICS, which includes istio_requests_total", () => {
    assert.deepEqual(
      renamed((o) => (o[0].match.metric = "ALL_METRICS")),
      [],
    );
  });
});
