import { AllowRule } from "../../config/allow-from";
import { ObservabilitySettings, SloObjectives } from "../../config/observability-settings";

/** The plain data the observability builders read, derived from a stack's validated settings (observed.ts). */

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
  readonly allowFrom: readonly AllowRule[];
  /** The service accounts the app's pods run as. */
  readonly serviceAccounts: readonly string[];
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
