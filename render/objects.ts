import { RecordedResource } from "../capture/recorder";
import { isObject } from "../config/readers";
import { RenderError } from "./errors";

/** The component type whose children make up one app's directory under `apps/`. */
export const APP_COMPONENT = "mesh-lab:index:MeshApp";

/** A Kubernetes object the program registers, as plain data, with where it came from. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped kinds (and for a namespaced object the program leaves to the default namespace). */
  readonly namespace?: string;
  readonly name: string;
  /** Identity across stacks: apiVersion, kind, namespace and name. */
  readonly key: string;
  /** The manifest exactly as registered (a deep copy). */
  readonly manifest: Record<string, unknown>;
  /** The app whose component registered it, if any. */
  readonly app?: string;
}

/** API group of an apiVersion: "" for the core group (`v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.lastIndexOf("/") + 1);
}

export function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion}|${kind}|${namespace ?? ""}|${name}`;
}

/** `apps/v1 Deployment accounts/accounts`: how messages name an object. */
export function describe(o: Pick<KubeObject, "apiVersion" | "kind" | "namespace" | "name">): string {
  return `${o.apiVersion} ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

/** A KubeObject from a manifest that has apiVersion, kind and metadata.name (checked by `kubeObjects`). */
export function kubeObject(manifest: Record<string, unknown>, app?: string): KubeObject {
  const meta = manifest.metadata as { name: string; namespace?: string };
  const namespace = typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : undefined;
  const apiVersion = String(manifest.apiVersion);
  const kind = String(manifest.kind);
  return { apiVersion, kind, namespace, name: meta.name, key: objectKey(apiVersion, kind, namespace, meta.name), manifest: structuredClone(manifest), app };
}

function appOf(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): string | undefined {
  for (let p = byUrn.get(r.parent); p; p = byUrn.get(p.parent)) if (p.type === APP_COMPONENT) return p.name;
  return undefined;
}

/**
 * The Kubernetes objects among one stack's registrations: every `kubernetes:*` custom resource. Providers,
 * this project's components and other providers' resources (random ids...) are not manifests and are skipped.
 * Throws a RenderError for what cannot go into Git as it is.
 */
export function kubeObjects(stack: string, resources: readonly RecordedResource[]): KubeObject[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const out: KubeObject[] = [];
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:")) continue;
    const what = `${stack}: ${r.type} "${r.name}"`;
    if (!r.custom) {
      problems.push(`${what} is a component whose objects the provider only creates at deploy time; the render cannot see them`);
      continue;
    }
    const m = r.inputs;
    const meta = m.metadata;
    if (typeof m.apiVersion !== "string" || typeof m.kind !== "string" || !isObject(meta)) {
      problems.push(`${what} is not a Kubernetes object with apiVersion, kind and metadata; the render cannot write it`);
      continue;
    }
    if (typeof meta.name !== "string" || meta.name === "") {
      problems.push(`${what} has no metadata.name (Pulumi would auto-name it at deploy time); a GitOps tree needs a fixed name`);
      continue;
    }
    if (r.secretInputs.length > 0) {
      problems.push(`${what} has secret inputs (${r.secretInputs.join(", ")}); the render refuses to write a secret into Git`);
      continue;
    }
    const o = kubeObject(m, appOf(r, byUrn));
    const other = seen.get(o.key);
    if (other !== undefined) {
      problems.push(`${what} and "${other}" are the same object (${describe(o)})`);
      continue;
    }
    seen.set(o.key, r.name);
    out.push(o);
  }
  if (problems.length > 0) throw new RenderError(problems);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
