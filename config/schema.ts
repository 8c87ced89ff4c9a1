import { DEFAULT_GITOPS_REPO_URL, readGitUrl } from "./git-url";
import { readAppOverrides } from "./app-overrides";
import { readApps } from "./parse-apps";
import { readTelemetry } from "./parse-telemetry";
import { DEFAULT_OBSERVABILITY } from "./observability-settings";
import { readInstall } from "./parse-install";
import { readObservability } from "./parse-observability";
import { readBranch, readEngines } from "./gitops-engines";
import { Reader } from "./readers";

/** The types Pulumi.yaml can declare for a config key; the Pulumi CLI checks stack values against them. */
export type PulumiType = "string" | "integer" | "boolean" | "array" | "object";

/** One stack setting: everything the project knows about it, in one place. */
export interface Setting<T> {
  readonly type: PulumiType;
  /** The type of an array's items, as Pulumi.yaml declares it. @default - object */
  readonly items?: PulumiType;
  /** Pulumi.yaml's description and the config reference's text. */
  readonly description: string;
  /** The value when a stack sets none, as it appears in Pulumi.yaml. Absent: the key is required (or optional without a value). */
  readonly default?: unknown;
  /**
   * Read only as a Pulumi secret (`pulumi config set --secret`), never by `parseSettings`. Not declared in
   * Pulumi.yaml: the CLI demands a value for every declared key without a default, and a default of a secret
   * key would be plain text, which it refuses (pulumi/pulumi pkg/workspace/config.go, mergeConfig).
   */
  readonly secret?: boolean;
  /** Without a default, a stack must set it; this says what a missing one should have been. */
  readonly required?: string;
  /** Validates and converts the (decoded) value, recording problems that name `key`; `stack` is the stack read. */
  readonly read: (r: Reader, key: string, value: unknown, stack: string) => T | undefined;
}

const setting = <T>(s: Setting<T>): Setting<T> => s;

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The curl image: the policy-check Jobs' default, and the workshop's finance client. */
export const CURL_IMAGE = "curlimages/curl:8.11.1";

/** The workshop's Telemetry, with its broken tags fixed (see docs/telemetry-expressions.md). */
export const DEFAULT_TELEMETRY = {
  metricsProvider: "prometheus",
  accessLogging: true,
  overrides: [
    {
      match: { metric: "REQUEST_COUNT" },
      tagOverrides: {
        error_type: {
          operation: "UPSERT",
          value: "response.code >= 500 ? 'server_error' : (response.code >= 400 ? 'client_error' : 'none')",
        },
        slow_request: { operation: "UPSERT", value: "request.duration > duration('1s') ? 'true' : 'false'" },
      },
    },
  ],
};

/**
 * The config contract, declared once. `parseSettings` reads stacks by it, `scripts/gen-config.ts` writes
 * Pulumi.yaml's `config:` block and docs/config.md from it, and `MeshSettings` is its type.
 */
export const SETTINGS = {
  kubeContext: setting({
    type: "string",
    required: "a kubeconfig context name (non-empty string)",
    description: "The kubeconfig context of this stack's cluster (k3d-cluster-1).",
    read: (r, k, v) => r.string(k, v, "a kubeconfig context name (non-empty string)"),
  }),
  kubeconfig: setting<never>({
    type: "string",
    secret: true,
    description:
      "Kubeconfig content or path, set with `pulumi config set --secret`. Unset, the provider reads $KUBECONFIG or ~/.kube/config.",
    read: () => undefined,
  }),
  clusterName: setting({
    type: "string",
    required: "the Istio cluster name, a DNS-1123 label",
    description:
      "The Istio cluster name of this cluster (values.global.multiCluster.clusterName, istiod's CLUSTER_ID).",
    read: (r, k, v) => r.dnsLabel(k, v),
  }),
  network: setting({
    type: "string",
    required: "the Istio network name, a Kubernetes label value",
    description: "The Istio network of this cluster (the topology.istio.io/network label of istio-system).",
    read: (r, k, v) =>
      typeof v === "string" && LABEL_VALUE.test(v)
        ? v
        : r.problems.add(k, v, "a Kubernetes label value (alphanumeric, '-', '_', '.', at most 63 characters)"),
  }),
  trustDomain: setting({
    type: "string",
    default: "cluster.local",
    description: "The mesh's trust domain, used in the SPIFFE principals of authorization policies.",
    read: (r, k, v) =>
      typeof v === "string" && DOMAIN.test(v) ? v : r.problems.add(k, v, "a DNS domain such as cluster.local"),
  }),
  waypoints: setting({
    type: "boolean",
    default: true,
    description:
      "Deploy a waypoint for every app with `waypoint: true`. false deploys none: policies fall back to L4 (ztunnel) and no request metrics are produced.",
    read: (r, k, v) => r.boolean(k, v),
  }),
  podSecurity: setting({
    type: "string",
    default: "baseline",
    description:
      "The Pod Security level enforced on app namespaces, baseline or restricted (restricted is always warned and audited). restricted needs Istio installed with gateways.seccompProfile.type=RuntimeDefault, or the waypoint pod is rejected.",
    read: (r, k, v) => r.oneOf(k, v, ["baseline", "restricted"] as const),
  }),
  apps: setting({
    type: "array",
    required: "a list of apps (in Pulumi.yaml for every stack, or in the stack file)",
    description:
      "The tenants: one namespace each, enrolled in ambient, with a workload and the namespaces allowed to call it (docs/config.md, section Apps).",
    read: (r, k, v, stack) => readApps(r, k, v, stack),
  }),
  appOverrides: setting({
    type: "object",
    default: {},
    description:
      "What differs on this stack for apps the project declares, by app name: replicas, waypoint, global, image, args (docs/config.md, section Apps).",
    read: (r, k, v) => readAppOverrides(r, k, v),
  }),
  telemetry: setting({
    type: "object",
    default: DEFAULT_TELEMETRY,
    description:
      "The Istio Telemetry of every serving app's namespace: metrics provider (prometheus, or an extension provider of your mesh config; a near-miss of prometheus such as promethues is refused), Envoy access logging, and metric tag overrides whose values are CEL over Envoy attributes (docs/telemetry-expressions.md).",
    read: (r, k, v) => readTelemetry(r, k, v),
  }),
  verifyPolicies: setting({
    type: "boolean",
    default: false,
    description:
      "After pulumi up applies the policies, run Jobs that call each app from every allowed app namespace (must succeed; entries with a service account or HTTP rules are not called) and from a probe namespace (must be refused); pulumi up fails when one fails.",
    read: (r, k, v) => r.boolean(k, v),
  }),
  verifyImage: setting({
    type: "string",
    default: CURL_IMAGE,
    description: "Image of the policy-check Jobs; it needs sh and curl. Pin it by digest if you like.",
    read: (r, k, v) => r.image(k, v),
  }),
  adoptExisting: setting({
    type: "boolean",
    default: false,
    description:
      "Take over objects that already exist in the cluster (the workshop's, applied with kubectl apply): the provider upserts (upsertExistingObjects) and every object is applied with force (pulumi.com/patchForce). Meant for the first pulumi up only (docs/adoption.md).",
    read: (r, k, v) => r.boolean(k, v),
  }),
  istioRevision: setting({
    type: "string",
    default: "",
    description:
      "The Istio revision app namespaces and waypoints are bound to (istio.io/rev); the cluster check then reads istiod-<rev>. Empty: the default revision, no label, istiod is named istiod.",
    read: (r, k, v) => (v === "" ? "" : r.dnsLabel(k, v)),
  }),
  istiodNamespace: setting({
    type: "string",
    default: "istio-system",
    description:
      "The namespace istiod runs in (its Helm release namespace). The cluster check reads istiod and the topology.istio.io/network label there: istiod reads its network from its own namespace.",
    read: (r, k, v) => r.dnsLabel(k, v),
  }),
  observability: setting({
    type: "object",
    default: DEFAULT_OBSERVABILITY,
    description:
      "SLOs, burn-rate alerts and a Grafana dashboard from the Telemetry tags: deploy (none, dashboards, rules, all), namespace, ruleLabels, slo {availability, latency, windowDays} (docs/observability.md).",
    read: (r, k, v) => readObservability(r, k, v),
  }),
  install: setting({
    type: "object",
    default: { enabled: false },
    description:
      "The optional Istio install layer (off by default): Istio's Helm charts at a pinned version, the mesh's shared root CA and per-cluster intermediates, the east-west gateway and remote secrets (docs/install.md).",
    read: (r, k, v, stack) => readInstall(r, stack, v),
  }),
  gitopsRepoUrl: setting({
    type: "string",
    default: DEFAULT_GITOPS_REPO_URL,
    description:
      "The Git repository Argo CD and Flux pull the rendered gitops/ tree from (https or ssh URL, no credentials); pulumi up ignores it. The default is a placeholder, and the render prints a note naming each stack still on it.",
    read: (r, k, v) => readGitUrl(r.problems, k, v),
  }),
  gitopsEngines: setting({
    type: "array",
    items: "string",
    default: ["argocd"],
    description:
      "Which GitOps engines the render writes this cluster's objects for: argocd (an Application in argocd/<stack>.yaml and an ApplicationSet of the tenant units in argocd/<stack>.tenants.yaml), flux (a GitRepository and Kustomizations in flux/<stack>/), or both (docs/gitops.md); pulumi up ignores it.",
    read: (r, k, v) => readEngines(r, k, v),
  }),
  gitopsBranch: setting({
    type: "string",
    default: "main",
    description:
      "The branch Flux's GitRepository follows (Flux needs one; it defaults to master when none is given). Argo CD follows the repository's default branch (HEAD). pulumi up ignores it.",
    read: (r, k, v) => readBranch(r, k, v),
  }),
  fluxSecretRef: setting({
    type: "string",
    default: "",
    description:
      "The Secret in flux-system that Flux's GitRepository reads the credentials of mesh-lab:gitopsRepoUrl from (spec.secretRef: an SSH key for an ssh:// URL, a username and password or token for https). Empty: a public repository. Argo CD takes its credentials from its own repository Secrets. pulumi up ignores it.",
    read: (r, k, v) => (v === "" ? "" : r.dnsSubdomain(k, v)),
  }),
  fluxServiceAccount: setting({
    type: "string",
    default: "",
    description:
      "The ServiceAccount in flux-system that Flux's kustomize-controller impersonates to apply this stack's Kustomizations (spec.serviceAccountName), for a Flux locked down with --default-service-account, whose own Kustomizations set kustomize-controller. It must be allowed to create namespaces and the mesh's objects. Empty: the controller's default. Argo CD and pulumi up ignore it.",
    read: (r, k, v) => (v === "" ? "" : r.dnsSubdomain(k, v)),
  }),
} satisfies Record<string, Setting<unknown>>;

export type SettingKey = keyof typeof SETTINGS;

type Value<S> = S extends Setting<infer T> ? T : never;

/**
 * The validated, typed config of one stack, as the schema declares it. Built only by `parseSettings`; everything
 * downstream (the plan, the components, the render) reads these and never the raw config.
 */
export type MeshSettings = { readonly stack: string } & {
  readonly [K in Exclude<SettingKey, "kubeconfig">]: Value<(typeof SETTINGS)[K]>;
};
