import { Named } from "../types";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { dashboards } from "./dashboard-module";
import { meshMap } from "./mesh-map";
import { deploysDashboards, deploysRules } from "./problems";
import { hasSloRule, prometheusRule } from "./prometheus-rule";
import { ObservedCluster } from "./settings";

/** One object of the observability layer, with the Pulumi logical name it is registered under. */
export interface ObservabilityObject {
  readonly layer: "observability";
  /** The app it belongs to; none for the per-cluster dashboard. */
  readonly app?: string;
  /** Frozen once deployed (a rename replaces the object): `<app>-slo-rule`, `mesh-dashboard`. */
  readonly logicalName: string;
  readonly object: Named<IPrometheusRule> | Named<IConfigMap>;
}

/** What `deploy` selects for one cluster, in a stable order: the rules by app order, then the dashboard. */
export function observabilityObjects(cluster: ObservedCluster): ObservabilityObject[] {
  const out: ObservabilityObject[] = [];
  if (deploysRules(cluster)) {
    for (const app of cluster.apps.filter(hasSloRule)) {
      out.push({
        layer: "observability",
        app: app.name,
        logicalName: `${app.name}-slo-rule`,
        object: prometheusRule(cluster, app),
      });
    }
  }
  if (deploysDashboards(cluster))
    out.push({ layer: "observability", logicalName: "mesh-dashboard", object: dashboards().grafanaDashboard(cluster) });
  return out;
}

/** The mesh map of one cluster as a Markdown section, for gitops/README.md and the docs. */
export function meshMapMarkdown(cluster: ObservedCluster): string {
  return `### ${cluster.clusterName}\n\n\`\`\`mermaid\n${meshMap(cluster)}\`\`\`\n`;
}
