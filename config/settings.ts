/**
 * The validated, typed config of one stack. Built only by `parseSettings`; everything downstream
 * (components, spec builders, the GitOps renderer) reads these and never the raw config.
 */
export interface MeshSettings {
  /** The Pulumi stack this config belongs to (`cluster-1`). Used in messages, never in resource names. */
  readonly stack: string;
  /** The kubeconfig context the stack's Kubernetes provider talks to. */
  readonly kubeContext: string;
  /** The Istio cluster name (`values.global.multiCluster.clusterName`) of the cluster behind that context. */
  readonly clusterName: string;
  /** The Istio network of that cluster (`topology.istio.io/network` on `istio-system`). */
  readonly network: string;
  /** The mesh's SPIFFE trust domain, used in principals. @default - `cluster.local` */
  readonly trustDomain: string;
  /** Master switch: when false no waypoint is deployed for any app and policies fall back to L4. */
  readonly waypoints: boolean;
  /** The Pod Security level enforced on app namespaces; `restricted` is always warned and audited. */
  readonly podSecurity: PodSecurityLevel;
  /** The tenants of the mesh, one namespace each. */
  readonly apps: readonly AppSettings[];
  readonly telemetry: TelemetrySettings;
  /** The Git repository the rendered Argo CD Applications pull `gitops/` from; `pulumi up` ignores it. @default - a placeholder, https://github.com/example/mesh-lab.git */
  readonly gitopsRepoUrl: string;
  /** After `pulumi up` applies the policies, prove them with Jobs on the cluster. @default false */
  readonly verifyPolicies: boolean;
  /** Image of the policy-check Jobs (needs `sh` and `curl`). @default - curlimages/curl:8.11.1 */
  readonly verifyImage: string;
  /**
   * Take over objects that already exist in the cluster (applied by hand) on the next `pulumi up`: the provider
   * upserts, and every object is applied with force. Meant for one `pulumi up`, then false again.
   * @default false - creating an object that already exists fails with AlreadyExists
   */
  readonly adoptExisting: boolean;
  /**
   * The Istio revision the app namespaces and waypoints are bound to (`istio.io/rev`); istiod is then
   * `istiod-<rev>`. @default - the default revision: no `istio.io/rev` label, istiod is `istiod`
   */
  readonly istioRevision?: string;
  /** The namespace istiod runs in (a Helm release namespace), whose network label Istio reads. @default - `istio-system` */
  readonly istiodNamespace: string;
}

export type PodSecurityLevel = "baseline" | "restricted";

/** One tenant: a namespace enrolled in ambient, its workload, and who may call it. */
export interface AppSettings {
  /** DNS-1123 label; names the Deployment, ServiceAccount and Service. */
  readonly name: string;
  /** The namespace the app owns. One app per namespace. @default - the app's name */
  readonly namespace: string;
  /** Container image with a tag or digest (`repo:tag`, `repo@sha256:...`). */
  readonly image: string;
  /** Container args. @default - none */
  readonly args: readonly string[];
  /** Port the app serves HTTP on; gives it a Service, probes and telemetry. @default - a client only */
  readonly port?: number;
  /** @default 1 */
  readonly replicas: number;
  /** Route the namespace through a waypoint for L7 policy and metrics. @default false */
  readonly waypoint: boolean;
  /** Label the Service `istio.io/global` so other clusters of the mesh can reach it. @default false */
  readonly global: boolean;
  /** Namespaces (of other apps) allowed to call this app. @default - nobody */
  readonly allowFrom: readonly string[];
  /** Apps this app calls in a loop, as a traffic client (needs `sh` and `curl` in the image). @default - none */
  readonly calls: readonly string[];
  /** Seconds between two rounds of calls. @default 5 */
  readonly callIntervalSeconds: number;
  /** The path the readiness and liveness probes request (http-echo 1.0 serves `/health`). @default - `/` */
  readonly healthPath: string;
}

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
