import { spansNetworks } from "../../config/mesh-check";
import { InstallTarget } from "../../config/install-settings";

export const ISTIO_NAMESPACE = "istio-system";

/** The four charts of an ambient install, in install order, with the release names Istio's docs use. */
export const CHARTS = [
  { role: "base", chart: "base", release: "istio-base" },
  { role: "istiod", chart: "istiod", release: "istiod" },
  { role: "cni", chart: "cni", release: "istio-cni" },
  { role: "ztunnel", chart: "ztunnel", release: "ztunnel" },
] as const;
export type ChartRole = (typeof CHARTS)[number]["role"];

export type HelmValues = Record<string, unknown>;

/**
 * The identity every chart carries (`global.*` in each chart's values.yaml at istio/istio 1.28.10:
 * manifests/charts/istio-control/istio-discovery/values.yaml `global.meshID`, `global.multiCluster.clusterName`,
 * `global.network`; the ztunnel chart flattens `global` into its own values, templates/zzz_profile.yaml).
 */
function globals(t: InstallTarget): HelmValues {
  return { meshID: t.install.meshId, multiCluster: { clusterName: t.clusterName }, network: t.network };
}

/**
 * The Helm values of one chart for one cluster, as Istio's ambient multicluster guide sets them
 * (istio.io/latest/docs/ambient/install/multicluster/multi-primary_multi-network/): the ambient profile on istiod
 * and cni, `env.AMBIENT_ENABLE_MULTI_NETWORK` on istiod when the mesh spans networks (pilot/pkg/features/ambient.go,
 * default false), and ztunnel's own `multiCluster.clusterName` and `network` too (daemonset.yaml reads those).
 */
export function chartValues(role: ChartRole, t: InstallTarget): HelmValues {
  const global = globals(t);
  switch (role) {
    case "base":
      return { global };
    case "istiod":
      return {
        profile: "ambient",
        global,
        // Istio trusts certificates for this domain; the same as the stack's trustDomain used in policies.
        meshConfig: { trustDomain: t.trustDomain },
        ...(spansNetworks(t) ? { env: { AMBIENT_ENABLE_MULTI_NETWORK: "true" } } : {}),
      };
    case "cni":
      return { profile: "ambient", global };
    case "ztunnel":
      return { global, multiCluster: { clusterName: t.clusterName }, network: t.network };
  }
}

/**
 * The Gateway API standard CRDs of a release, as its install guide applies them (kubernetes-sigs/gateway-api
 * v1.4.1 site-src/guides/index.md: releases/download/<version>/standard-install.yaml).
 */
export function gatewayApiCrdsUrl(version: string): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/standard-install.yaml`;
}
