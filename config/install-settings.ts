/**
 * The optional Istio install layer of one stack (`mesh-lab:install`). Off by default: the workshop's clusters
 * already run Istio. Built only by `readInstall`; the cross-stack rules live in `mesh-check.ts`.
 */
export interface InstallSettings {
  /** Install Istio from this program. @default false - Istio is installed by someone else (README, prerequisites) */
  readonly enabled: boolean;
  /** The exact Istio release, the version of all four charts (`1.28.1`). */
  readonly istioVersion: string;
  /** The mesh ID, the same in every stack of the mesh (`global.meshID`). @default - `mesh1` */
  readonly meshId: string;
  /** The Helm repository of Istio's charts. @default - https://istio-release.storage.googleapis.com/charts */
  readonly chartRepo: string;
  /** The stack that holds the mesh's root CA and signs every cluster's intermediate. */
  readonly rootCaStack: string;
  /** The stacks whose clusters this cluster's istiod reads (remote secrets), by stack name. @default - none */
  readonly peers: readonly string[];
  /**
   * This cluster's API server as the peers' istiods reach it (`https://k3d-cluster-1-serverlb:6443`), written
   * into the reader kubeconfig this stack exports. Required when `peers` is not empty.
   */
  readonly apiServer?: string;
  /** The Pulumi organization of the mesh's stacks, for StackReferences (`<org>/<project>/<stack>`). @default - `organization`, the DIY backend's */
  readonly organization: string;
  /**
   * The Gateway API release whose standard CRDs the layer installs (the waypoints and the east-west gateway need
   * them; Istio's charts do not carry them); false when someone else installs them. @default - v1.4.0
   */
  readonly gatewayApiVersion: string | false;
  /** Validity of the root CA, in hours. @default - 87600 (10 years, as Istio's tools/certs) */
  readonly rootCaHours: number;
  /** Validity of each intermediate CA, in hours. @default - 8760 (1 year) */
  readonly intermediateCaHours: number;
}

export const INSTALL_DEFAULTS = {
  meshId: "mesh1",
  chartRepo: "https://istio-release.storage.googleapis.com/charts",
  organization: "organization",
  gatewayApiVersion: "v1.4.0",
  rootCaHours: 87600,
  intermediateCaHours: 8760,
} as const;

/** What the install layer of a stack needs to know about the stack itself. */
export interface InstallTarget {
  readonly stack: string;
  readonly clusterName: string;
  readonly network: string;
  /** The stack's `mesh-lab:trustDomain`: istiod issues identities in it (`meshConfig.trustDomain`). */
  readonly trustDomain: string;
  readonly install: InstallSettings;
  /** The peers resolved from their own stack files (`resolvePeers`). */
  readonly peers: readonly PeerCluster[];
  /** Every cluster the root stack signs an intermediate for (itself and the stacks that name it as root). */
  readonly signs: readonly PeerCluster[];
}

export interface PeerCluster {
  readonly stack: string;
  readonly clusterName: string;
  readonly network: string;
}

/** The stack outputs the install layer exports and reads from the other stacks (names frozen: peers read them). */
export const OUTPUTS = {
  /** Secret: a kubeconfig for this cluster's istio-reader-service-account, for the peers' remote secrets. */
  readerKubeconfig: "installReaderKubeconfig",
  /** Secret, root stack only: each cluster's intermediate CA (`cacerts` keys), by cluster name. */
  intermediates: "installIntermediates",
} as const;
