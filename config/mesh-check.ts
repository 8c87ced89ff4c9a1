import { ConfigError } from "./problems";
import { INSTALL_KEY } from "./parse-install";
import { InstallSettings, InstallTarget, PeerCluster } from "./install-settings";

/** One stack of the mesh as its own stack file declares it. */
export interface MeshMember {
  readonly stack: string;
  readonly clusterName: string;
  readonly network: string;
  readonly trustDomain: string;
  readonly install: InstallSettings;
}

/**
 * The rules no single stack can check: `pulumi up` sees only its own config, so the caller hands every stack's
 * settings over (`loadMeshMembers` reads the stack files beside Pulumi.yaml). Pure; empty when the mesh agrees.
 */
export function meshProblems(members: readonly MeshMember[]): string[] {
  const on = members.filter((m) => m.install.enabled);
  const byStack = new Map(members.map((m) => [m.stack, m]));
  const problems: string[] = [];
  // Each enabled stack against the first (which agrees with itself).
  const first = on[0];
  for (const m of on) {
    for (const [field, what] of [
      ["meshId", "mesh ID"],
      ["istioVersion", "Istio version"],
      ["rootCaStack", "root CA stack"],
      ["chartRepo", "chart repository"],
    ] as const) {
      if (m.install[field] !== first.install[field]) {
        problems.push(
          `key "${INSTALL_KEY}.${field === "rootCaStack" ? "rootCa.stack" : field}" is "${m.install[field]}" in stack "${m.stack}" but "${first.install[field]}" in stack "${first.stack}"; expected one ${what} for the whole mesh`,
        );
      }
    }
  }
  for (const m of on) {
    if (m.trustDomain !== first.trustDomain)
      problems.push(
        `key "mesh-lab:trustDomain" is "${m.trustDomain}" in stack "${m.stack}" but "${first.trustDomain}" in stack "${first.stack}"; expected one trust domain for the whole mesh (one root CA, one SPIFFE domain)`,
      );
  }
  for (const [i, m] of on.entries()) {
    for (const other of on.slice(i + 1)) {
      if (other.clusterName === m.clusterName)
        problems.push(
          `key "mesh-lab:clusterName" is "${m.clusterName}" in stacks "${m.stack}" and "${other.stack}"; expected a different cluster name per cluster of the mesh`,
        );
      // Ambient multicluster supports multi-network only (istio.io/latest/docs/ambient/install/multicluster/):
      // two clusters on one network would each route to the other's pods directly, without the east-west gateway.
      if (other.network === m.network)
        problems.push(
          `key "mesh-lab:network" is "${m.network}" in stacks "${m.stack}" and "${other.stack}", which are different clusters; expected a network per cluster (ambient multicluster is multi-network only)`,
        );
    }
    const root = byStack.get(m.install.rootCaStack);
    if (!root || !root.install.enabled)
      problems.push(
        `key "${INSTALL_KEY}.rootCa.stack" of stack "${m.stack}" is "${m.install.rootCaStack}"; expected a stack of this project with the install layer enabled (${on.map((s) => s.stack).join(", ")})`,
      );
    for (const p of m.install.peers) {
      const peer = byStack.get(p);
      if (!peer || !peer.install.enabled)
        problems.push(
          `key "${INSTALL_KEY}.peers" of stack "${m.stack}" names "${p}"; expected a stack of this project with the install layer enabled (${
            on
              .filter((s) => s !== m)
              .map((s) => s.stack)
              .join(", ") || "none"
          })`,
        );
      else if (!peer.install.peers.includes(m.stack))
        problems.push(
          `key "${INSTALL_KEY}.peers" of stack "${p}" is ${JSON.stringify(peer.install.peers)}; expected it to name "${m.stack}" too, because "${m.stack}" names "${p}" (remote secrets go both ways)`,
        );
    }
  }
  return problems;
}

const asPeer = (m: MeshMember): PeerCluster => ({ stack: m.stack, clusterName: m.clusterName, network: m.network });

/** The install target of `stack`, its peers resolved from their own stack files; a ConfigError when the mesh disagrees. */
export function resolveTarget(stack: string, members: readonly MeshMember[]): InstallTarget {
  const self = members.find((m) => m.stack === stack);
  if (!self)
    throw new ConfigError(stack, [
      `stack "${stack}" is not among the stacks read (${members.map((m) => m.stack).join(", ")}); expected its Pulumi.${stack}.yaml beside Pulumi.yaml`,
    ]);
  const problems = self.install.enabled ? meshProblems(members) : [];
  if (problems.length > 0) throw new ConfigError(stack, problems);
  const on = members.filter((m) => m.install.enabled);
  const peers = self.install.peers.map((p) => asPeer(on.find((m) => m.stack === p)!));
  const signs =
    self.install.enabled && self.install.rootCaStack === stack
      ? on.filter((m) => m.install.rootCaStack === stack).map(asPeer)
      : [];
  return {
    stack,
    clusterName: self.clusterName,
    network: self.network,
    trustDomain: self.trustDomain,
    install: self.install,
    peers,
    signs,
  };
}

/** True when the mesh spans more than one network: istiod then needs AMBIENT_ENABLE_MULTI_NETWORK. */
export function spansNetworks(target: InstallTarget): boolean {
  return target.peers.some((p) => p.network !== target.network);
}
