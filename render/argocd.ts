import { GITOPS_DIR } from "./files";

/** The name of the per-cluster Application (one per Argo CD). */
export const PER_CLUSTER_APPLICATION = "mesh-lab";

/** The namespace Argo CD is installed in, by its own install manifests. */
export const ARGOCD_NAMESPACE = "argocd";

/**
 * The Argo CD Application that keeps one cluster in sync with its overlay. It assumes one Argo CD per cluster
 * (destination: the cluster it runs in), so it is named `mesh-lab`: the ApplicationSet's Applications, for one
 * central Argo CD, are `mesh-lab-<stack>`, and the two never share a name. No resources finalizer: deleting the
 * Application leaves the cluster's objects where they are.
 */
export function argoApplication(stack: string, repoUrl: string): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: PER_CLUSTER_APPLICATION,
      namespace: ARGOCD_NAMESPACE,
      labels: { "app.kubernetes.io/part-of": "mesh-lab" },
    },
    spec: {
      project: "default",
      source: { repoURL: repoUrl, targetRevision: "HEAD", path: `${GITOPS_DIR}/clusters/${stack}` },
      destination: { server: "https://kubernetes.default.svc" },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}
