/** The stack setting `mesh-lab:observability` and the per-app `slo` key: types and defaults. */

/** What the stack deploys of the observability layer; each choice needs something on the cluster (docs/observability.md). */
export const DEPLOY_CHOICES = ["none", "dashboards", "rules", "all"] as const;
export type ObservabilityDeploy = (typeof DEPLOY_CHOICES)[number];

/** Objectives in percent of requests, over a rolling window of `windowDays`. */
export interface SloObjectives {
  /** Share of requests that are not `error_type="server_error"`, in percent. @default 99.9 */
  readonly availability: number;
  /** Share of requests that are not `slow_request="true"`, in percent. @default 99 */
  readonly latency: number;
  /** The rolling window the objectives and the error budget are measured over. @default 30 */
  readonly windowDays: number;
}

/** The validated `mesh-lab:observability` setting. */
export interface ObservabilitySettings {
  /**
   * `none`: nothing (works on any cluster). `dashboards`: the Grafana dashboard ConfigMap (plain core object).
   * `rules`: the PrometheusRules (needs the prometheus-operator CRDs). `all`: both.
   * @default - none: the workshop's clusters have no prometheus-operator CRDs
   */
  readonly deploy: ObservabilityDeploy;
  /** Namespace of the PrometheusRules and the dashboard ConfigMap. @default - monitoring */
  readonly namespace: string;
  /** Labels on every PrometheusRule so that the Prometheus' `ruleSelector` picks it up. @default - {release: kube-prometheus-stack} */
  readonly ruleLabels: Readonly<Record<string, string>>;
  /** Objectives of every serving app that does not set its own. @default - 99.9% available, 99% not slow, over 30 days */
  readonly slo: SloObjectives;
}

/** The validated per-app `apps[i].slo`: overrides of the defaults, or `false` for no SLO. @default - the stack's defaults */
export type AppSloSetting = { readonly availability?: number; readonly latency?: number } | false;

export const DEFAULT_SLO: SloObjectives = { availability: 99.9, latency: 99, windowDays: 30 };

export const DEFAULT_OBSERVABILITY: ObservabilitySettings = {
  deploy: "none",
  namespace: "monitoring",
  ruleLabels: { release: "kube-prometheus-stack" },
  slo: DEFAULT_SLO,
};
