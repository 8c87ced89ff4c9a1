/** The vocabulary of Istio's Telemetry API that `mesh-lab:telemetry` uses. */
export const METRICS = [
  "ALL_METRICS",
  "REQUEST_COUNT",
  "REQUEST_DURATION",
  "REQUEST_SIZE",
  "RESPONSE_SIZE",
  "TCP_OPENED_CONNECTIONS",
  "TCP_CLOSED_CONNECTIONS",
  "TCP_SENT_BYTES",
  "TCP_RECEIVED_BYTES",
  "GRPC_REQUEST_MESSAGES",
  "GRPC_RESPONSE_MESSAGES",
] as const;
export type Metric = (typeof METRICS)[number];

export const MODES = ["CLIENT_AND_SERVER", "CLIENT", "SERVER"] as const;
export type WorkloadMode = (typeof MODES)[number];

export const OPERATIONS = ["UPSERT", "REMOVE"] as const;
export type TagOperation = (typeof OPERATIONS)[number];

export interface TagOverride {
  readonly operation: TagOperation;
  /** A CEL expression over Envoy attributes; only with UPSERT. */
  readonly value?: string;
}

/** One `metrics[].overrides[]` entry of an Istio Telemetry. */
export interface MetricOverride {
  readonly metric: Metric;
  readonly mode: WorkloadMode;
  readonly tagOverrides: Readonly<Record<string, TagOverride>>;
}

/** The Telemetry deployed in every serving app's namespace. */
export interface TelemetrySettings {
  /** Metrics provider the overrides apply to. @default - `prometheus` */
  readonly metricsProvider: string;
  /** Turn on Envoy access logs (provider `envoy`). @default true */
  readonly accessLogging: boolean;
  readonly overrides: readonly MetricOverride[];
}
