import type { IApplicationSet } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet";
import { ARGOCD_NAMESPACE } from "./argocd";
import { GITOPS_DIR } from "./files";

/** Options of {@link argoApplicationSet}. */
export interface ApplicationSetOptions {
  /** The Git revision Argo CD reads the tree from. @default - HEAD, as the per-cluster Applications */
  readonly revision?: string;
  /** The ApplicationSet's name. @default - mesh-lab-clusters */
  readonly name?: string;
}

/**
 * One Argo CD ApplicationSet instead of one Application per cluster, for fleets: a Git directory generator over
 * `gitops/clusters/*` makes one Application per overlay, so a new stack needs no new Argo CD object. It is for
 * one central Argo CD: each Application is named `mesh-lab-<stack>` (never `mesh-lab`, the per-cluster
 * Application's name, so both can live in one Argo CD) and deploys to
 * the Argo CD cluster registered under the stack's name (`argocd cluster add <context> --name <stack>`).
 * Go templates with missingkey=error, so a misspelt parameter fails instead of rendering empty.
 */
export function argoApplicationSet(
  repoUrl: string,
  opts: ApplicationSetOptions = {},
): IApplicationSet & Record<string, unknown> {
  const revision = opts.revision ?? "HEAD";
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: {
      name: opts.name ?? "mesh-lab-clusters",
      namespace: ARGOCD_NAMESPACE,
      labels: { "app.kubernetes.io/part-of": "mesh-lab" },
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      // An Application it stops generating (a stack removed) is deleted without its objects: like pulumi up,
      // removing a cluster from the config never deletes what runs there (Argo CD docs, ApplicationSet
      // "Application Pruning & Resource Deletion": no resources finalizer on the Applications then).
      syncPolicy: { preserveResourcesOnDeletion: true },
      generators: [
        {
          git: {
            repoURL: repoUrl,
            revision,
            directories: [{ path: `${GITOPS_DIR}/clusters/*` }],
          },
        },
      ],
      template: {
        metadata: { name: "mesh-lab-{{.path.basename}}", labels: { "app.kubernetes.io/part-of": "mesh-lab" } },
        spec: {
          project: "default",
          source: { repoURL: repoUrl, targetRevision: revision, path: "{{.path.path}}" },
          destination: { name: "{{.path.basename}}" },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    },
  };
}
