import { BURN_PAIRS, budgetRatio, WINDOWS, Window } from "../../config/slo-math";
import { SloObjectives } from "../../config/observability-settings";
import { ObservedApp } from "./settings";

/** The two SLIs: the share of requests the waypoint tags bad, by the workshop's two custom tags. */
export interface Sli {
  readonly slo: "availability" | "latency";
  /** The tag (a label of istio_requests_total) and the value that makes a request bad. */
  readonly tag: string;
  readonly badValue: string;
  /** Middle part of the recorded series' names. */
  readonly metric: string;
  objective(o: SloObjectives): number;
}

export const SLIS: readonly Sli[] = [
  {
    slo: "availability",
    tag: "error_type",
    badValue: "server_error",
    metric: "istio_requests_server_error",
    objective: (o) => o.availability,
  },
  { slo: "latency", tag: "slow_request", badValue: "true", metric: "istio_requests_slow", objective: (o) => o.latency },
];

/** Labels the recording rules keep: one series per destination cluster, or per service mesh-wide. */
export const CLUSTER_BY = ["destination_cluster", "destination_service_namespace", "destination_service_name"] as const;
export const MESH_BY = ["destination_service_namespace", "destination_service_name"] as const;
export const CLUSTER_LEVEL = "destination_cluster_service";
export const MESH_LEVEL = "destination_service";

/** Recorded series name, `level:metric:operation` as Prometheus' naming practice asks. */
export const rec = (level: string, metric: string, op: string) => `${level}:${metric}:${op}`;

/** PromQL for one app's series: the selectors every rule reads, so that two apps' rules never overlap. */
export function appQueries(app: ObservedApp) {
  const service = `destination_service_namespace="${app.namespace}",destination_service_name="${app.name}"`;
  const raw = (extra?: string) => `istio_requests_total{reporter="waypoint",${service}${extra ? `,${extra}` : ""}}`;
  const byCluster = `sum by (${CLUSTER_BY.join(", ")})`;
  const byService = `sum by (${MESH_BY.join(", ")})`;
  const at = (level: string, metric: string, op: string) => `${rec(level, metric, op)}{${service}}`;
  // `> 0` drops a zero request rate: no ratio at all, never 0/0 (NaN) or a false burn, when nobody calls.
  // `or 0 * total` makes the ratio 0 (not absent) while traffic flows and no bad series exists yet.
  const ratio = (bad: string, total: string) => `(${bad} or 0 * ${total}) / (${total} > 0)`;
  return {
    service,
    raw,
    at,
    clusterRate: (w: Window, sli?: Sli) => `${byCluster} (rate(${raw(sli && `${sli.tag}="${sli.badValue}"`)}[${w}]))`,
    clusterIncrease: (days: number, sli?: Sli) =>
      `${byCluster} (increase(${raw(sli && `${sli.tag}="${sli.badValue}"`)}[${days}d]))`,
    meshRate: (w: Window, sli?: Sli) =>
      `${byService} (${at(CLUSTER_LEVEL, sli ? sli.metric : "istio_requests", `rate${w}`)})`,
    ratio,
    byCluster,
  };
}

/** Burn rate thresholds in a readable line: "14.4x over 1h and 5m, or 6x over 6h and 30m". */
export function thresholdsText(severity: "page" | "ticket", windowDays: number): string {
  return BURN_PAIRS.filter((p) => p.severity === severity)
    .map((p) => `${p.burnFactor(windowDays)}x over ${p.longWindow} and ${p.shortWindow}`)
    .join(", or ");
}

/** The alert expression: value = the long window's burn rate of whichever pair fires. */
export function burnExpr(app: ObservedApp, sli: Sli, o: SloObjectives, severity: "page" | "ticket"): string {
  const q = appQueries(app);
  const budget = budgetRatio(sli.objective(o));
  const burn = (w: Window) => `${q.at(CLUSTER_LEVEL, sli.metric, `ratio_rate${w}`)} / ${budget}`;
  return BURN_PAIRS.filter((p) => p.severity === severity)
    .map(
      (p) =>
        `(\n  ${burn(p.longWindow)} > ${p.burnFactor(o.windowDays)}\nand\n  ${burn(p.shortWindow)} > ${p.burnFactor(o.windowDays)}\n)`,
    )
    .join("\nor\n");
}

export { WINDOWS };
