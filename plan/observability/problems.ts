import { NAMESPACE, some } from "../../config/problems";
import { dashboards } from "./dashboard-module";
import { checkPromql, ISTIO_STANDARD_LABELS } from "./promql-check";
import { hasSloRule, prometheusRule, ruleName } from "./prometheus-rule";
import { ObservedApp, ObservedCluster } from "./settings";
import { SLIS } from "./slo-queries";

export const deploysRules = (c: ObservedCluster) => c.settings.deploy === "rules" || c.settings.deploy === "all";
export const deploysDashboards = (c: ObservedCluster) =>
  c.settings.deploy === "dashboards" || c.settings.deploy === "all";

const appKey = (app: ObservedApp) =>
  app.index === undefined ? `app "${app.name}"` : `${NAMESPACE}:apps[${app.index}]`;

/**
 * Parses every PromQL expression the stack would deploy (per `deploy`) and checks that each label it reads
 * exists on istio_requests_total: Istio's standard labels or a tag of the stack's Telemetry. One problem per
 * expression source and missing label, naming the tag's config key, so a renamed tag fails before deploy.
 */
export function observabilityProblems(cluster: ObservedCluster): string[] {
  const sources: { reader: string; where: string; expr: string }[] = [];
  if (deploysRules(cluster)) {
    for (const app of cluster.apps.filter(hasSloRule)) {
      const reader = `PrometheusRule ${ruleName(app)} (SLO of ${appKey(app)})`;
      for (const rule of prometheusRule(cluster, app).spec.groups?.flatMap((g) => g.rules ?? []) ?? []) {
        sources.push({
          reader,
          where: rule.record ? `record ${rule.record}` : `alert ${rule.alert}`,
          expr: String(rule.expr),
        });
      }
    }
  }
  if (deploysDashboards(cluster)) {
    const { dashboardModel, dashboardQueries } = dashboards();
    for (const q of dashboardQueries(dashboardModel(cluster)))
      sources.push({ reader: `dashboard panel "${q.panel}"`, where: "", expr: q.expr });
  }
  const out: string[] = [];
  // The PromQL parser (lezer) loads only for a stack that deploys something to check: not for deploy: none.
  if (sources.length === 0) return out;
  const known = new Set<string>([...ISTIO_STANDARD_LABELS, ...cluster.requestTags.map((t) => t.name)]);
  // Readers per missing label: seventy rules reading one renamed tag are one mistake, told once.
  const readers = new Map<string, string[]>();
  for (const s of sources) {
    const { syntax, unknownLabels } = checkPromql(s.expr, known);
    out.push(...syntax.map((e) => `stack "${cluster.stack}": ${s.reader}${s.where ? `, ${s.where}` : ""}: ${e}`));
    for (const label of unknownLabels) {
      const list = readers.get(label) ?? [];
      if (!list.includes(s.reader)) list.push(s.reader);
      readers.set(label, list);
    }
  }
  const declared =
    cluster.requestTags.length === 0 ? "none" : cluster.requestTags.map((t) => `${t.name} at ${t.key}`).join(", ");
  for (const [label, list] of readers) {
    const sli = SLIS.find((s) => s.tag === label);
    out.push(
      `stack "${cluster.stack}": label "${label}" is read by ${list.join(", ")}, but it is neither a standard Istio label nor a tag ` +
        `UPSERTed on REQUEST_COUNT or ALL_METRICS in ${NAMESPACE}:telemetry.overrides (tags there: ${declared})` +
        (sli
          ? `; the ${sli.slo} SLO counts ${label}="${sli.badValue}" as bad: UPSERT a tag named "${label}" there`
          : ""),
    );
  }
  return out;
}

/**
 * An SLO on a serving app without a waypoint measures nothing: ambient request metrics come only from a
 * waypoint (ztunnel's traffic metrics are istio_tcp_* only). A warning, like `telemetryWarnings`, and no rule:
 * the config is valid (the stack's default objectives apply to every serving app), just not effective there.
 */
export function sloWarnings(cluster: ObservedCluster): string[] {
  if (cluster.settings.deploy === "none") return [];
  return [...noWaypointWarnings(cluster), ...badValueWarnings(cluster)];
}

/** One warning for every such app of the stack (naming the first few), as the telemetry warnings do. */
function noWaypointWarnings(cluster: ObservedCluster): string[] {
  const apps = cluster.apps.filter((a) => a.serves && a.slo !== undefined && !a.waypoint);
  if (apps.length === 0) return [];
  const [who, has, it, fix] =
    apps.length === 1
      ? [`${appKey(apps[0])} ("${apps[0].name}")`, "has", "it", `set waypoint: true on app "${apps[0].name}"`]
      : [
          `${apps.length} apps (${some(apps.map((a) => `${appKey(a)} ("${a.name}")`))})`,
          "have",
          "them",
          "set waypoint: true on those apps",
        ];
  return [
    `stack "${cluster.stack}": ${who} ${has} an SLO but no waypoint, and in ambient mode request metrics ` +
      `come only from a waypoint (ztunnel's traffic metrics are istio_tcp_* only); no PrometheusRule or budget panel is generated for ${it}: ` +
      `${fix}, or slo: false to say so`,
  ];
}

/**
 * A tag whose CEL never spells the bad value (`'server_error'`, `'true'`) as a string literal likely never
 * yields it, and the SLO would count every request good. A warning: CEL could build the string otherwise.
 */
function badValueWarnings(cluster: ObservedCluster): string[] {
  if (!deploysRules(cluster) || !cluster.apps.some(hasSloRule)) return [];
  return SLIS.flatMap((sli) => {
    const tag = cluster.requestTags.find((t) => t.name === sli.tag);
    if (tag?.value === undefined || tag.value.includes(`'${sli.badValue}'`) || tag.value.includes(`"${sli.badValue}"`))
      return [];
    return [
      `stack "${cluster.stack}": key "${tag.key}.value" has no string literal '${sli.badValue}', and the ${sli.slo} SLO counts ` +
        `${sli.tag}="${sli.badValue}" as bad: if the expression never yields it, every request counts as good and no alert can fire`,
    ];
  });
}
