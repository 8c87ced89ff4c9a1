/**
 * Types of the observability layer: the stack setting `mesh-lab:observability`, the per-app `slo` key, and the
 * plain data the builders read. Pure types and constants: no Pulumi, no file system.
 */

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

/** One app as the observability builders see it; the lead derives it from the validated settings. */
export interface ObservedApp {
  readonly name: string;
  readonly namespace: string;
  /** Has a port, hence a Service that receives requests. */
  readonly serves: boolean;
  /** Routed through a waypoint in this stack: the only source of request metrics in ambient mode. */
  readonly waypoint: boolean;
  /** Its Service is labelled `istio.io/global`. */
  readonly global: boolean;
  /** Namespaces allowed to call it. */
  readonly allowFrom: readonly string[];
  /** Apps it calls. */
  readonly calls: readonly string[];
  /** The objectives in force, or none (`slo: false`, or the app does not serve). */
  readonly slo?: SloObjectives;
  /** Its index in `mesh-lab:apps`, for messages that name a key. @default - messages name the app only */
  readonly index?: number;
}

/** A tag the Telemetry sets on request metrics, with the config key that declares it. */
export interface RequestTag {
  readonly name: string;
  /** `mesh-lab:telemetry.overrides[0].tagOverrides.error_type` */
  readonly key: string;
  /** The CEL expression that computes it. @default - unknown: its values are not checked */
  readonly value?: string;
}

/** Everything the builders need about one stack's cluster. */
export interface ObservedCluster {
  readonly stack: string;
  readonly clusterName: string;
  readonly network: string;
  readonly apps: readonly ObservedApp[];
  /** Tags UPSERTed on REQUEST_COUNT (or ALL_METRICS) by the stack's Telemetry: labels of istio_requests_total. */
  readonly requestTags: readonly RequestTag[];
  readonly settings: ObservabilitySettings;
}

export const DEFAULT_SLO: SloObjectives = { availability: 99.9, latency: 99, windowDays: 30 };

export const DEFAULT_OBSERVABILITY: ObservabilitySettings = {
  deploy: "none",
  namespace: "monitoring",
  ruleLabels: { release: "kube-prometheus-stack" },
  slo: DEFAULT_SLO,
};
