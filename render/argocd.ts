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

/** The per-cluster ApplicationSet of the tenant units (one Argo CD per cluster, beside {@link argoApplication}). */
export const PER_CLUSTER_TENANTS = "mesh-lab-tenants";

/** The Application of one tenant unit: `mesh-lab.<app>` in a per-cluster Argo CD. */
export const perClusterTenantApplication = (app: string) => `${PER_CLUSTER_APPLICATION}.${app}`;

/**
 * The Argo CD ApplicationSet that keeps one cluster's tenant units in sync: a Git directory generator over
 * `gitops/tenants/<stack>/*` makes one Application per tenant, `mesh-lab.<app>`, so a new app needs no new Argo CD
 * object and each tenant is diffed, synced and rolled back on its own. Like {@link argoApplication} it assumes an
 * Argo CD in the cluster it deploys to.
 */
export function argoTenantsApplicationSet(stack: string, repoUrl: string): Record<string, unknown> {
  return tenantsApplicationSet({
    name: PER_CLUSTER_TENANTS,
    repoUrl,
    directories: `${GITOPS_DIR}/tenants/${stack}/*`,
    application: `${perClusterTenantApplication("{{.path.basename}}")}`,
    destination: { server: "https://kubernetes.default.svc" },
  });
}

/**
 * The ApplicationSet of every stack's tenant units, for one central Argo CD (beside `mesh-lab-clusters`, which
 * makes the cluster units' Applications): one Application per tenant and cluster, `mesh-lab-<stack>.<app>`, for
 * the cluster registered in Argo CD under the stack's name.
 */
export function argoCentralTenantsApplicationSet(repoUrl: string): Record<string, unknown> {
  return tenantsApplicationSet({
    name: "mesh-lab-clusters-tenants",
    repoUrl,
    directories: `${GITOPS_DIR}/tenants/*/*`,
    // path.segments of gitops/tenants/<stack>/<app>: the stack is the third.
    application: "mesh-lab-{{index .path.segments 2}}.{{.path.basename}}",
    destination: { name: "{{index .path.segments 2}}" },
  });
}

/** The annotation that tells Argo CD which paths an Application's manifests come from. */
export const MANIFEST_GENERATE_PATHS = "argocd.argoproj.io/manifest-generate-paths";

/**
 * Every path a tenant unit's build reads, relative to the unit (`gitops/tenants/<stack>/<app>`): the unit, and the
 * app's shared directories it includes. With it, Argo CD (2.11 and later) regenerates a tenant's manifests only for a
 * commit that changes one of these paths, and keeps the cached ones for any other commit, so a push that changes one
 * app costs the repo-server one generation, not one per tenant (argoproj/argo-cd v3.5.1
 * `docs/operator-manual/high_availability.md`, "Manifest Paths Annotation"; `util/app/path/path.go`,
 * `GetSourceRefreshPaths`, 115-150), in the steady state (docs/gitops.md, "Units"). tests/render-argocd-paths.test.ts
 * builds each unit from these paths alone.
 */
export const TENANT_UNIT_PATHS = ".;../../../base/{{.path.basename}};../../../apps/{{.path.basename}}";

function tenantsApplicationSet(o: {
  name: string;
  repoUrl: string;
  directories: string;
  application: string;
  destination: Record<string, string>;
}): Record<string, unknown> {
  const labels = { "app.kubernetes.io/part-of": "mesh-lab" };
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: o.name, namespace: ARGOCD_NAMESPACE, labels },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      // An Application it stops generating (an app removed) is deleted without its objects, as mesh-lab-clusters
      // does for a stack: with the resources finalizer Argo CD would delete them all on the way, even those marked
      // Prune=false, and deleting the ApplicationSet itself would strip every tenant of its policies
      // (docs/gitops.md, "Removing an app").
      syncPolicy: { preserveResourcesOnDeletion: true },
      generators: [{ git: { repoURL: o.repoUrl, revision: "HEAD", directories: [{ path: o.directories }] } }],
      template: {
        metadata: { name: o.application, labels, annotations: { [MANIFEST_GENERATE_PATHS]: TENANT_UNIT_PATHS } },
        spec: {
          project: "default",
          source: { repoURL: o.repoUrl, targetRevision: "HEAD", path: "{{.path.path}}" },
          destination: o.destination,
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    },
  };
}
