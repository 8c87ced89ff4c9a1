import { describe as name } from "./kube-object";

type LoadModule = () => Promise<Record<string, unknown>>;

/**
 * The model class of every kind the render writes, keyed by apiVersion and kind: each generated from real
 * schemas (Kubernetes OpenAPI, Istio, Gateway API, Argo CD, Flux and prometheus-operator CRDs). Each loads on
 * first use (a literal `import()`: the packages are ES modules only), so a render loads only the kinds it writes.
 */
export const MODELS: ReadonlyMap<string, LoadModule> = new Map<string, LoadModule>([
  ["v1/ConfigMap", () => import("kubernetes-models/v1/ConfigMap")],
  ["v1/Namespace", () => import("kubernetes-models/v1/Namespace")],
  ["v1/Secret", () => import("kubernetes-models/v1/Secret")],
  ["v1/Service", () => import("kubernetes-models/v1/Service")],
  ["v1/ServiceAccount", () => import("kubernetes-models/v1/ServiceAccount")],
  ["apps/v1/Deployment", () => import("kubernetes-models/apps/v1/Deployment")],
  ["batch/v1/Job", () => import("kubernetes-models/batch/v1/Job")],
  [
    "security.istio.io/v1/AuthorizationPolicy",
    () => import("@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy"),
  ],
  ["telemetry.istio.io/v1/Telemetry", () => import("@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry")],
  [
    "gateway.networking.k8s.io/v1/Gateway",
    () => import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway"),
  ],
  ["argoproj.io/v1alpha1/Application", () => import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application")],
  [
    "argoproj.io/v1alpha1/ApplicationSet",
    () => import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet"),
  ],
  [
    "source.toolkit.fluxcd.io/v1/GitRepository",
    () => import("@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository"),
  ],
  [
    "kustomize.toolkit.fluxcd.io/v1/Kustomization",
    () => import("@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization"),
  ],
  [
    "monitoring.coreos.com/v1/PrometheusRule",
    () => import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule"),
  ],
]);

interface Model {
  validate(): void;
}
type ModelClass = (new (data: unknown) => Model) & { apiVersion?: string; kind?: string };

/**
 * The model class of an apiVersion and kind, or undefined when MODELS has none for it. That each entry of MODELS
 * loads the class of exactly its apiVersion and kind is tested (tests/render-validate.test.ts).
 */
export async function modelClass(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const load = MODELS.get(`${apiVersion}/${kind}`);
  return load === undefined ? undefined : ((await load())[kind] as ModelClass);
}

/**
 * Checks each manifest against its schema and returns one message per invalid object (empty when all are
 * valid). `where` says whose object it is. A kind no model package knows is a problem too: unchecked is not valid.
 */
export async function schemaProblems(
  manifests: readonly { readonly where: string; readonly manifest: Record<string, unknown> }[],
): Promise<string[]> {
  const problems: string[] = [];
  // Each kind's class is looked up once per call: a render checks thousands of objects of a dozen kinds.
  const classes = new Map<string, Promise<ModelClass | undefined>>();
  for (const { where, manifest } of manifests) {
    const apiVersion = String(manifest.apiVersion);
    const kind = String(manifest.kind);
    const meta = (manifest.metadata ?? {}) as { name?: string; namespace?: string };
    const what = `${where}: ${name({ apiVersion, kind, namespace: meta.namespace, name: meta.name ?? "(no name)" })}`;
    const key = `${apiVersion}/${kind}`;
    if (!classes.has(key)) classes.set(key, modelClass(apiVersion, kind));
    const cls = await classes.get(key)!;
    if (!cls) {
      problems.push(
        `${what} has no model in render/schema-check.ts MODELS; add its class from kubernetes-models or @kubernetes-models/*`,
      );
      continue;
    }
    try {
      new cls(manifest).validate();
    } catch (e) {
      problems.push(`${what} is not schema-valid: ${(e as Error).message}`);
    }
  }
  return problems;
}
