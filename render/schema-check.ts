import { describe as name } from "./kube-object";

/**
 * The model packages, each generated from real schemas (Kubernetes OpenAPI, Istio, Gateway API and Argo CD
 * CRDs), tried in this order for an apiVersion. `kubernetes-models/<apiVersion>/<Kind>` is one class.
 */
export const MODEL_PACKAGES = ["kubernetes-models", "@kubernetes-models/istio", "@kubernetes-models/gateway-api", "@kubernetes-models/argo-cd", "@kubernetes-models/prometheus-operator"] as const;

interface Model {
  validate(): void;
}
type ModelClass = (new (data: unknown) => Model) & { apiVersion?: string; kind?: string };

// The model packages are ES modules only; TypeScript compiles `import()` to `require()` under CommonJS, so
// the native dynamic import is reached through Function.
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

const classes = new Map<string, Promise<ModelClass | undefined>>();

async function findClass(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  for (const pkg of MODEL_PACKAGES) {
    let mod: Record<string, unknown>;
    try {
      mod = await importEsm(`${pkg}/${apiVersion}/${kind}`);
    } catch {
      continue;
    }
    const cls = mod[kind] as ModelClass | undefined;
    if (typeof cls === "function" && cls.apiVersion === apiVersion && cls.kind === kind) return cls;
  }
  return undefined;
}

/** The model class of an apiVersion and kind, or undefined when no package has its schema. */
export function modelClass(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`;
  if (!classes.has(key)) classes.set(key, findClass(apiVersion, kind));
  return classes.get(key)!;
}

/**
 * Checks each manifest against its schema and returns one message per invalid object (empty when all are
 * valid). `where` says whose object it is. A kind no model package knows is a problem too: unchecked is not valid.
 */
export async function schemaProblems(manifests: readonly { readonly where: string; readonly manifest: Record<string, unknown> }[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { where, manifest } of manifests) {
    const apiVersion = String(manifest.apiVersion);
    const kind = String(manifest.kind);
    const meta = (manifest.metadata ?? {}) as { name?: string; namespace?: string };
    const what = `${where}: ${name({ apiVersion, kind, namespace: meta.namespace, name: meta.name ?? "(no name)" })}`;
    const cls = await modelClass(apiVersion, kind);
    if (!cls) {
      problems.push(`${what} has no schema in ${MODEL_PACKAGES.join(", ")}; add the package that has it`);
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
