import type { IGitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository";
import type { IKustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization";
import { GITOPS_DIR } from "./files";

/** The namespace `flux bootstrap` and `flux install` put Flux's controllers in. */
export const FLUX_NAMESPACE = "flux-system";

/**
 * What a Flux running in the stack's own cluster needs to keep it in sync with its overlay: a GitRepository of
 * the tree's repository and a Kustomization of `gitops/clusters/<stack>` from it. Like the per-cluster Argo CD
 * Application, it assumes one Flux per cluster: a Kustomization without `spec.kubeConfig` applies to the cluster
 * it runs in (fluxcd/kustomize-controller docs/spec/v1/kustomizations.md, "KubeConfig (Remote clusters)").
 * `prune: true` deletes what leaves the tree, except the objects marked `kustomize.toolkit.fluxcd.io/prune:
 * disabled` (what `pulumi up` keeps on delete; the controller's deleteObjects excludes them).
 */
export function fluxObjects(
  stack: string,
  repoUrl: string,
  branch: string,
): { source: IGitRepository & Record<string, unknown>; sync: IKustomization & Record<string, unknown> } {
  const name = `mesh-lab-${stack}`;
  const labels = { "app.kubernetes.io/part-of": "mesh-lab" };
  return {
    source: {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name, namespace: FLUX_NAMESPACE, labels },
      spec: { interval: "1m", url: repoUrl, ref: { branch } },
    },
    sync: {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name, namespace: FLUX_NAMESPACE, labels },
      spec: {
        interval: "10m",
        path: `./${GITOPS_DIR}/clusters/${stack}`,
        prune: true,
        sourceRef: { kind: "GitRepository", name },
      },
    },
  };
}
