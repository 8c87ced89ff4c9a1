import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { PART_OF } from "../specs/marks";
import { Named } from "../types";
import { CHARTS, chartValues, ISTIO_NAMESPACE } from "./charts";
import { InstallTarget } from "../../config/install-settings";

/**
 * The install layer for GitOps users: one Argo CD Application per chart, pulling Istio's chart at the pinned
 * version from the chart repository with the values inline (`helm.valuesObject`); Argo CD renders Helm itself.
 * Sync waves keep the chart order of `pulumi up` (base, istiod, cni, ztunnel) inside an app of apps.
 * The `cacerts` and remote secrets are not here, on purpose: docs/install.md says how to supply them.
 */
export function installApplications(t: InstallTarget): Named<IApplication>[] {
  const charts = CHARTS.map(({ role, chart, release }, i): Named<IApplication> => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: `mesh-lab-${t.stack}-${role}`,
      namespace: "argocd",
      labels: { ...PART_OF },
      annotations: { "argocd.argoproj.io/sync-wave": String(i - CHARTS.length) },
    },
    spec: {
      project: "default",
      destination: { server: "https://kubernetes.default.svc", namespace: ISTIO_NAMESPACE },
      source: {
        repoURL: t.install.chartRepo,
        chart,
        targetRevision: t.install.istioVersion,
        helm: { releaseName: release, valuesObject: chartValues(role, t) },
      },
      // Istio's base chart holds large CRDs; server-side apply avoids the last-applied annotation size limit.
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
    },
  }));
  const v = t.install.gatewayApiVersion;
  return v === false ? charts : [gatewayApiApplication(t, v), ...charts];
}

/** The Gateway API standard CRDs from their repository's `config/crd/standard` at the release tag, before the charts. */
function gatewayApiApplication(t: InstallTarget, version: string): Named<IApplication> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: `mesh-lab-${t.stack}-gateway-api`,
      namespace: "argocd",
      labels: { ...PART_OF },
      annotations: { "argocd.argoproj.io/sync-wave": String(-CHARTS.length - 1) },
    },
    spec: {
      project: "default",
      destination: { server: "https://kubernetes.default.svc" },
      source: {
        repoURL: "https://github.com/kubernetes-sigs/gateway-api.git",
        path: "config/crd/standard",
        targetRevision: version,
      },
      // CRDs are kept when the Application goes: deleting one deletes every object of its kind.
      syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
    },
  };
}
