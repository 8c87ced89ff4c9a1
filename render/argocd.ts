import { GITOPS_DIR } from "./files";

/** The namespace Argo CD is installed in, by its own install manifests. */
export const ARGOCD_NAMESPACE = "argocd";

/**
 * The Argo CD Application that keeps one cluster in sync with its overlay. It assumes one Argo CD per cluster
 * (destination: the cluster it runs in); a central Argo CD would name each cluster in `destination.name` instead.
 */
export function argoApplication(stack: string, repoUrl: string): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: `mesh-lab-${stack}`,
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
