import { Named } from "../types";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";
import { ObservedApp, ObservedCluster } from "./settings";
import { budgetRatio, WINDOWS } from "../../config/slo-math";
import {
  appQueries,
  burnExpr,
  CLUSTER_BY,
  CLUSTER_LEVEL,
  MESH_LEVEL,
  rec,
  Sli,
  SLIS,
  thresholdsText,
} from "./slo-queries";

/** The PrometheusRule's name: `<app>-slo`, a valid DNS-1123 subdomain as every app name is a DNS label of at most 63. */
export const ruleName = (app: ObservedApp) => `${app.name}-slo`;

/** True when the app gets a PrometheusRule: it serves, has objectives, and a waypoint produces its request metrics. */
export function hasSloRule(app: ObservedApp): boolean {
  return app.serves && app.slo !== undefined && app.waypoint;
}

/**
 * One PrometheusRule for one serving app with an SLO: recording rules over every window the alerts read,
 * per destination cluster and mesh-wide, the remaining error budget, then page and ticket alerts per SLI.
 * Throws on an app without a rule (`hasSloRule` false): the caller asks first; `sloWarnings` says why.
 */
export function prometheusRule(cluster: ObservedCluster, app: ObservedApp): Named<IPrometheusRule> {
  if (!hasSloRule(app)) throw new Error(`app "${app.name}" has no SLO rule: it needs a port, an slo and a waypoint`);
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: ruleName(app),
      namespace: cluster.settings.namespace,
      labels: { ...cluster.settings.ruleLabels, "app.kubernetes.io/part-of": "mesh-lab", "mesh-lab/app": app.name },
    },
    spec: { groups: [{ name: `mesh-lab-${app.name}-slo`, rules: [...recordingRules(app), ...alerts(cluster, app)] }] },
  };
}

function recordingRules(app: ObservedApp): IRule[] {
  const q = appQueries(app);
  const o = app.slo!;
  const rules: IRule[] = [];
  for (const w of WINDOWS) {
    rules.push({ record: rec(CLUSTER_LEVEL, "istio_requests", `rate${w}`), expr: q.clusterRate(w) });
    for (const sli of SLIS)
      rules.push({ record: rec(CLUSTER_LEVEL, sli.metric, `rate${w}`), expr: q.clusterRate(w, sli) });
    for (const sli of SLIS) {
      const total = q.at(CLUSTER_LEVEL, "istio_requests", `rate${w}`);
      rules.push({
        record: rec(CLUSTER_LEVEL, sli.metric, `ratio_rate${w}`),
        expr: q.ratio(q.at(CLUSTER_LEVEL, sli.metric, `rate${w}`), total),
      });
    }
    rules.push({ record: rec(MESH_LEVEL, "istio_requests", `rate${w}`), expr: q.meshRate(w) });
    for (const sli of SLIS)
      rules.push({
        record: rec(MESH_LEVEL, sli.metric, `ratio_rate${w}`),
        expr: q.ratio(q.meshRate(w, sli), q.meshRate(w)),
      });
  }
  const days = o.windowDays;
  for (const sli of SLIS) {
    rules.push({
      record: rec(CLUSTER_LEVEL, sli.metric, `ratio_rate${days}d`),
      expr: q.ratio(`(${q.clusterIncrease(days, sli)})`, `(${q.clusterIncrease(days)})`),
    });
    rules.push({
      record: rec(CLUSTER_LEVEL, sli.metric, "error_budget_remaining"),
      expr: `1 - ${q.at(CLUSTER_LEVEL, sli.metric, `ratio_rate${days}d`)} / ${budgetRatio(sli.objective(o))}`,
    });
  }
  return rules;
}

function alerts(cluster: ObservedCluster, app: ObservedApp): IRule[] {
  const o = app.slo!;
  return SLIS.flatMap((sli) =>
    (["page", "ticket"] as const).map((severity) => ({
      alert: alertName(sli),
      expr: burnExpr(app, sli, o, severity),
      labels: { severity, app: app.name, cluster: cluster.clusterName, slo: sli.slo },
      annotations: {
        summary:
          `${app.name} (${app.namespace}) in {{ $labels.destination_cluster }} burns its ${sli.slo} error budget at ` +
          `{{ $value | printf "%.1f" }}x (${severity} at ${thresholdsText(severity, o.windowDays)}; objective ${sli.objective(o)}% over ${o.windowDays}d)`,
        error_budget_remaining: budgetTemplate(app, sli),
      },
    })),
  );
}

/** `AvailabilityBudgetBurn`, `LatencyBudgetBurn`: one name per SLI; severity and app tell the rest. */
export const alertName = (sli: Sli) => `${sli.slo[0].toUpperCase()}${sli.slo.slice(1)}BudgetBurn`;

// Prometheus expands `query` in alert templates at firing time: the budget left in the alert's own cluster, in
// percent (negative once overspent; templates have no arithmetic, hence 100 * in the query).
function budgetTemplate(app: ObservedApp, sli: Sli): string {
  const q = appQueries(app);
  const series = rec(CLUSTER_LEVEL, sli.metric, "error_budget_remaining");
  const sel = `100 * ${series}{${q.service.replace(/"/g, '\\"')},${CLUSTER_BY[0]}=%q}`;
  return `{{ with printf "${sel}" $labels.destination_cluster | query }}{{ . | first | value | printf "%.1f%%" }}{{ else }}unknown{{ end }}`;
}
