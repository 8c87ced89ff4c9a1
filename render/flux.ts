import type { IGitRepository } from "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository";
import type { IKustomization } from "@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization";
import { GITOPS_DIR } from "./files";

/** The namespace `flux bootstrap` and `flux install` put Flux's controllers in. */
export const FLUX_NAMESPACE = "flux-system";

/** The Kustomization of one tenant unit: `mesh-lab-<stack>.<app>`. */
export const fluxTenantName = (stack: string, app: string) => `mesh-lab-${stack}.${app}`;

/** The Kustomization that applies the tenant units' Kustomizations (`flux/<stack>/tenants/`). */
export const fluxTenantsName = (stack: string) => `mesh-lab-${stack}-tenants`;

export interface FluxObjects {
  readonly source: IGitRepository & Record<string, unknown>;
  /** The cluster unit's Kustomization, `mesh-lab-<stack>`. */
  readonly sync: IKustomization & Record<string, unknown>;
  /** The Kustomization of `flux/<stack>/tenants/`, where the tenant units' Kustomizations are. */
  readonly tenants: IKustomization & Record<string, unknown>;
  /** Per app, its tenant unit's Kustomization. */
  readonly units: ReadonlyMap<string, IKustomization & Record<string, unknown>>;
}

/**
 * What a Flux running in the stack's own cluster needs to keep it in sync with its overlay: a GitRepository of
 * the tree's repository, a Kustomization of `gitops/clusters/<stack>` from it, and one Kustomization per tenant
 * unit (`gitops/tenants/<stack>/<app>`), applied by a Kustomization of `gitops/flux/<stack>/tenants/` so that a new
 * app needs no `kubectl apply`. Like the per-cluster Argo CD
 * Application, it assumes one Flux per cluster: a Kustomization without `spec.kubeConfig` applies to the cluster
 * it runs in (fluxcd/kustomize-controller docs/spec/v1/kustomizations.md, "KubeConfig (Remote clusters)").
 * `prune: true` deletes what leaves the tree, except the objects marked `kustomize.toolkit.fluxcd.io/prune:
 * disabled` (what `pulumi up` keeps on delete; the controller's deleteObjects excludes them). With `serviceAccount`,
 * each Kustomization names the ServiceAccount the controller impersonates to apply it (spec.serviceAccountName).
 */
export function fluxObjects(
  stack: string,
  repo: { readonly url: string; readonly branch: string; readonly secretRef: string },
  tenants: readonly string[],
  serviceAccount = "",
): FluxObjects {
  const name = `mesh-lab-${stack}`;
  const labels = { "app.kubernetes.io/part-of": "mesh-lab" };
  const kustomization = (metaName: string, path: string): IKustomization & Record<string, unknown> => ({
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: metaName, namespace: FLUX_NAMESPACE, labels },
    spec: {
      interval: "10m",
      path: `./${GITOPS_DIR}/${path}`,
      prune: true,
      ...(serviceAccount === "" ? {} : { serviceAccountName: serviceAccount }),
      sourceRef: { kind: "GitRepository", name },
    },
  });
  return {
    source: {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name, namespace: FLUX_NAMESPACE, labels },
      spec: {
        interval: "1m",
        url: repo.url,
        ref: { branch: repo.branch },
        ...(repo.secretRef === "" ? {} : { secretRef: { name: repo.secretRef } }),
      },
    },
    sync: kustomization(name, `clusters/${stack}`),
    tenants: kustomization(fluxTenantsName(stack), `flux/${stack}/tenants`),
    units: new Map(tenants.map((app) => [app, kustomization(fluxTenantName(stack, app), `tenants/${stack}/${app}`)])),
  };
}
