import { MeshSettings } from "../config/schema";

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
}

/**
 * What the cluster behind the stack's kube context says about itself, against what the stack declares.
 * istiod's CLUSTER_ID is Istio's cluster name (`global.multiCluster.clusterName`); the network is the
 * `topology.istio.io/network` label on istio-system. Empty when they match.
 */
export function clusterIdentityProblems(settings: MeshSettings, istiodEnv: readonly EnvVar[], istioSystemLabels: Readonly<Record<string, string>>): string[] {
  const where = `kube context "${settings.kubeContext}"`;
  const problems: string[] = [];
  const clusterId = istiodEnv.find((e) => e.name === "CLUSTER_ID")?.value;
  if (clusterId !== settings.clusterName) {
    problems.push(
      `${where} reaches Istio cluster ${clusterId === undefined ? "(istiod sets no CLUSTER_ID)" : `"${clusterId}"`}, ` +
        `but mesh-lab:clusterName is "${settings.clusterName}"`,
    );
  }
  const network = istioSystemLabels["topology.istio.io/network"];
  if (network !== settings.network) {
    problems.push(
      `${where}: istio-system is on network ${network === undefined ? "(no topology.istio.io/network label)" : `"${network}"`}, ` +
        `but mesh-lab:network is "${settings.network}"`,
    );
  }
  return problems;
}

/** Thrown before anything is applied when a stack points at a cluster that is not the one it declares. */
export class WrongClusterError extends Error {
  constructor(stack: string, problems: readonly string[]) {
    super(
      `stack "${stack}" refuses to deploy to this cluster:\n  - ${problems.join("\n  - ")}\n` +
        `Fix mesh-lab:kubeContext in Pulumi.${stack}.yaml, or the cluster's declared name/network if they are wrong.`,
    );
    this.name = "WrongClusterError";
  }
}
