import { MeshSettings } from "../config/schema";

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
}

/**
 * Where the stack expects istiod: `istiod`, or `istiod-<rev>` for a revisioned install (the istio-discovery
 * chart names its Deployment so), in the namespace it was installed to.
 */
export function istiodLocation(settings: Pick<MeshSettings, "istioRevision" | "istiodNamespace">): {
  namespace: string;
  name: string;
  id: string;
} {
  const name = settings.istioRevision === "" ? "istiod" : `istiod-${settings.istioRevision}`;
  return { namespace: settings.istiodNamespace, name, id: `${settings.istiodNamespace}/${name}` };
}

/**
 * What the cluster behind the stack's kube context says about itself, against what the stack declares.
 * istiod's CLUSTER_ID is Istio's cluster name (`global.multiCluster.clusterName`); the network is the
 * `topology.istio.io/network` label on istiod's own namespace, which istiod reads as its system namespace
 * (POD_NAMESPACE). Empty when they match.
 */
export function clusterIdentityProblems(
  settings: MeshSettings,
  istiodEnv: readonly EnvVar[],
  istiodNamespaceLabels: Readonly<Record<string, string>>,
): string[] {
  const where = `kube context "${settings.kubeContext}"`;
  const problems: string[] = [];
  const clusterId = istiodEnv.find((e) => e.name === "CLUSTER_ID")?.value;
  if (clusterId !== settings.clusterName) {
    problems.push(
      `${where} reaches Istio cluster ${clusterId === undefined ? "(istiod sets no CLUSTER_ID)" : `"${clusterId}"`}, ` +
        `but mesh-lab:clusterName is "${settings.clusterName}"`,
    );
  }
  const network = istiodNamespaceLabels["topology.istio.io/network"];
  if (network !== settings.network) {
    problems.push(
      `${where}: ${settings.istiodNamespace} is on network ${network === undefined ? "(no topology.istio.io/network label)" : `"${network}"`}, ` +
        `but mesh-lab:network is "${settings.network}"`,
    );
  }
  return problems;
}

/**
 * What the istiod release this stack installed reports (`global.multiCluster.clusterName`, `global.network`,
 * the values Istio's charts turn into istiod's CLUSTER_ID and the network), against what the stack declares.
 */
export function installedIdentityProblems(settings: MeshSettings, values: Readonly<Record<string, unknown>>): string[] {
  const global = (values.global ?? {}) as { multiCluster?: { clusterName?: string }; network?: string };
  const problems: string[] = [];
  const where = `the istiod release on kube context "${settings.kubeContext}"`;
  if (global.multiCluster?.clusterName !== settings.clusterName)
    problems.push(
      `${where} reports cluster name ${JSON.stringify(global.multiCluster?.clusterName)}, but mesh-lab:clusterName is "${settings.clusterName}"`,
    );
  if (global.network !== settings.network)
    problems.push(
      `${where} reports network ${JSON.stringify(global.network)}, but mesh-lab:network is "${settings.network}"`,
    );
  return problems;
}

/** Thrown before anything is applied when a stack points at a cluster that is not the one it declares. */
export class WrongClusterError extends Error {
  constructor(stack: string, problems: readonly string[]) {
    const text =
      `stack "${stack}" refuses to deploy to this cluster:\n  - ${problems.join("\n  - ")}\n` +
      `Fix mesh-lab:kubeContext in Pulumi.${stack}.yaml, or the cluster's declared name/network if they are wrong.`;
    super(text);
    this.name = "WrongClusterError";
    // Every object gated on the check fails with this one error, and the SDK prefixes the message of the error it
    // serialises (runtime/rpc.js: 'error serializing property "metadata": ...'), once per object: the message
    // stays the one the user needs to read.
    Object.defineProperty(this, "message", { get: () => text, set: () => undefined, enumerable: false });
  }
}
