import { NAMESPACE } from "../config/problems";
import { dashboardModel, dashboardQueries } from "./dashboard";
import { hasSloRule, prometheusRule, ruleName } from "./prometheus-rule";
import { ISTIO_STANDARD_LABELS, promqlProblems } from "./promql-check";
import { ObservedApp, ObservedCluster } from "./settings";
import { SLIS } from "./slo-queries";

export const deploysRules = (c: ObservedCluster) => c.settings.deploy === "rules" || c.settings.deploy === "all";
export const deploysDashboards = (c: ObservedCluster) => c.settings.deploy === "dashboards" || c.settings.deploy === "all";

const appKey = (app: ObservedApp) => (app.index === undefined ? `app "${app.name}"` : `${NAMESPACE}:apps[${app.index}]`);

/**
 * Parses every PromQL expression the stack would deploy (per `deploy`) and checks that each label it reads
 * exists on istio_requests_total: Istio's standard labels or a tag of the stack's Telemetry. One problem per
 * expression source and missing label, naming the tag's config key, so a renamed tag fails before deploy.
 */
export function observabilityProblems(cluster: ObservedCluster): string[] {
  const known = new Set<string>([...ISTIO_STANDARD_LABELS, ...cluster.requestTags.map((t) => t.name)]);
  const declared = cluster.requestTags.length === 0 ? "none" : cluster.requestTags.map((t) => `${t.name} (${t.key})`).join(", ");
  const unknown = (label: string) => {
    const sli = SLIS.find((s) => s.tag === label);
    const why = `is neither a standard Istio label nor a tag of REQUEST_COUNT or ALL_METRICS in ${NAMESPACE}:telemetry.overrides (tags there: ${declared})`;
    return sli ? `${why}; the ${sli.slo} SLO counts ${label}="${sli.badValue}" as bad: UPSERT tag "${label}" there again` : why;
  };
  const sources: { where: string; expr: string }[] = [];
  if (deploysRules(cluster)) {
    for (const app of cluster.apps.filter(hasSloRule)) {
      for (const rule of prometheusRule(cluster, app).spec.groups?.flatMap((g) => g.rules ?? []) ?? []) {
        sources.push({ where: `stack "${cluster.stack}": PrometheusRule ${ruleName(app)} (SLO of ${appKey(app)}), ${rule.record ? `record ${rule.record}` : `alert ${rule.alert}`}`, expr: String(rule.expr) });
      }
    }
  }
  if (deploysDashboards(cluster)) {
    for (const q of dashboardQueries(dashboardModel(cluster))) sources.push({ where: `stack "${cluster.stack}": dashboard panel "${q.panel}"`, expr: q.expr });
  }
  // One message per missing label and kind of source: seventy rules reading one renamed tag are one mistake.
  const out: string[] = [];
  const reported = new Set<string>();
  for (const s of sources) {
    for (const p of promqlProblems(s.where, s.expr, known, unknown)) {
      const label = /reads label "([^"]+)"/.exec(p)?.[1];
      const dedupe = label === undefined ? p : `${s.where.split(",")[0]}|${label}`;
      if (!reported.has(dedupe)) out.push(p);
      reported.add(dedupe);
    }
  }
  return out;
}

/**
 * An SLO on a serving app without a waypoint measures nothing: ambient request metrics come only from a
 * waypoint (ztunnel emits istio_tcp_* only). A warning, like `telemetryWarnings`, and no rule: the config is
 * valid (the stack's default objectives apply to every serving app), just not effective there.
 */
export function sloWarnings(cluster: ObservedCluster): string[] {
  if (cluster.settings.deploy === "none") return [];
  return cluster.apps
    .filter((a) => a.serves && a.slo !== undefined && !a.waypoint)
    .map(
      (a) =>
        `stack "${cluster.stack}": ${appKey(a)} ("${a.name}") has an SLO but no waypoint, and in ambient mode request metrics ` +
        `come only from a waypoint (ztunnel emits istio_tcp_* only); no PrometheusRule or budget panel is generated for it: ` +
        `set waypoint: true on app "${a.name}", or slo: false to say so`,
    );
}
