import { Layer, PlannedObject } from "../plan/types";

/** A planned object as the render handles it: its identity across stacks and its manifest as plain data. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly name: string;
  /** Identity across stacks: apiVersion, kind, namespace and name. */
  readonly key: string;
  /** The manifest exactly as planned (a deep copy). */
  readonly manifest: Record<string, unknown>;
  /** The app it belongs to; none for cluster-wide objects. */
  readonly app?: string;
  readonly layer: Layer;
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

/** The render's view of one planned object. */
export function kubeObject(o: Pick<PlannedObject, "manifest" | "app" | "layer">): KubeObject {
  const { apiVersion, kind, metadata } = o.manifest;
  const namespace = metadata.namespace ? metadata.namespace : undefined;
  return {
    apiVersion,
    kind,
    namespace,
    name: metadata.name,
    key: objectKey(apiVersion, kind, namespace, metadata.name),
    manifest: structuredClone(o.manifest),
    app: o.app,
    layer: o.layer,
  };
}

/** A stack's planned objects for the render, sorted by identity. */
export function kubeObjects(objects: readonly PlannedObject[]): KubeObject[] {
  return objects.map(kubeObject).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
