/** Set on every object the program owns, so `kubectl get -l` finds them and GitOps tools can prune by it. */
export const PART_OF = { "app.kubernetes.io/part-of": "mesh-lab" } as const;

/**
 * On namespaces and workloads: `pulumi up` keeps them on delete (the plan marks them `keep`), and Argo CD and
 * Flux must not prune them either, so both deployment paths leave the same things behind.
 */
export const KEEP_ON_DELETE = {
  "argocd.argoproj.io/sync-options": "Prune=false",
  "kustomize.toolkit.fluxcd.io/prune": "disabled",
} as const;

/** On policies: Argo CD applies lower waves first, so policies land before workloads, as `dependsOn` orders `pulumi up`. */
export const BEFORE_WORKLOADS = { "argocd.argoproj.io/sync-wave": "-1" } as const;

/** The name every waypoint Gateway gets; its pods run as a service account of the same name. */
export const WAYPOINT_NAME = "waypoint";

/**
 * `istio.io/rev` for a stack bound to an Istio revision: a revisioned install only manages namespaces and
 * waypoints that carry it (or a tag). Nothing for the default revision, so default stacks render as before.
 */
export function revisionLabel(settings: { readonly istioRevision: string }): Record<string, string> {
  return settings.istioRevision === "" ? {} : { "istio.io/rev": settings.istioRevision };
}
