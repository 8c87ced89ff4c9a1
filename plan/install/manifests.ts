import { stringify } from "yaml";
import type { IGateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { ISecret } from "kubernetes-models/v1/Secret";
import { KEEP_ON_DELETE, PART_OF } from "../specs/marks";
import { Named } from "../types";
import { ISTIO_NAMESPACE } from "./charts";
import { InstallTarget, PeerCluster } from "../../config/install-settings";

export const NETWORK_LABEL = "topology.istio.io/network";

/** `istio-system`, labelled with the cluster's network (read by istiod, ztunnel and the cluster-identity check). Kept on delete, like every namespace the project owns. */
export function istioSystemNamespace(t: InstallTarget): Named<INamespace> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: ISTIO_NAMESPACE,
      labels: { ...PART_OF, [NETWORK_LABEL]: t.network },
      annotations: { ...KEEP_ON_DELETE },
    },
  };
}

/**
 * The ambient east-west gateway, as istio/istio 1.28.10 samples/multicluster/gen-eastwest-gateway.sh --ambient
 * writes it: class `istio-east-west` (pkg/config/constants/constants.go EastWestGatewayClassName), one HBONE
 * listener on 15008 terminating Istio mTLS, labelled with the network. gateway.networking.k8s.io/v1 (the
 * script says v1beta1, served as the same stored version).
 */
export function eastWestGateway(t: InstallTarget): Named<IGateway> {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: {
      name: "istio-eastwestgateway",
      namespace: ISTIO_NAMESPACE,
      labels: { ...PART_OF, [NETWORK_LABEL]: t.network },
    },
    spec: {
      gatewayClassName: "istio-east-west",
      listeners: [
        {
          name: "mesh",
          port: 15008,
          protocol: "HBONE",
          tls: { mode: "Terminate", options: { "gateway.istio.io/tls-terminate-mode": "ISTIO_MUTUAL" } },
        },
      ],
    },
  };
}

/** The service account istioctl create-remote-secret uses (pkg/config/constants DefaultServiceAccountName); the base chart creates it. */
export const READER_ACCOUNT = "istio-reader-service-account";

/**
 * A long-lived token for the reader account, as istioctl makes one (istioctl/pkg/multicluster/remote_secret.go,
 * getOrCreateServiceAccountSecret: `<sa>-istio-remote-secret-token`, type service-account-token). The token
 * controller fills `token` and `ca.crt`; pulumi-kubernetes waits for that (provider/pkg/await/awaiters.go,
 * untilCoreV1SecretInitialized).
 */
export function readerTokenSecret(): Named<ISecret> {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: `${READER_ACCOUNT}-istio-remote-secret-token`,
      namespace: ISTIO_NAMESPACE,
      labels: { ...PART_OF },
      annotations: { "kubernetes.io/service-account.name": READER_ACCOUNT },
    },
    type: "kubernetes.io/service-account-token",
  };
}

/** A bearer-token kubeconfig, shaped as istioctl's createBearerTokenKubeconfig: cluster, user and context all named after the cluster. */
export function readerKubeconfig(clusterName: string, server: string, caDataBase64: string, token: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server, "certificate-authority-data": caDataBase64 } }],
    users: [{ name: clusterName, user: { token } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
  });
}

/**
 * The remote secret a cluster's istiod watches to read a peer (istioctl createRemoteServiceAccountSecret):
 * `istio-remote-secret-<cluster>`, label `istio/multiCluster: "true"` (pkg/kube/multicluster/secretcontroller.go),
 * annotation `networking.istio.io/cluster` (istioctl/pkg/multicluster/options.go), one key named after the
 * peer cluster holding its kubeconfig. Generic over the value so the component can pass a secret Output.
 */
export function remoteSecret<V>(peer: PeerCluster, kubeconfig: V) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: `istio-remote-secret-${peer.clusterName}`,
      namespace: ISTIO_NAMESPACE,
      labels: { ...PART_OF, "istio/multiCluster": "true" },
      annotations: { "networking.istio.io/cluster": peer.clusterName },
    },
    type: "Opaque",
    stringData: { [peer.clusterName]: kubeconfig },
  };
}

/** One cluster's plugged-in CA material, PEM text. */
export interface IntermediateCa {
  readonly caCert: string;
  readonly caKey: string;
  readonly rootCert: string;
}

/**
 * The four keys of `cacerts` (istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/). cert-chain.pem
 * is the intermediate then the root, as istio/istio 1.28.10 tools/certs/Makefile.selfsigned.mk builds it
 * (`%/cert-chain.pem: %/ca-cert.pem root-cert.pem`, concatenated in that order).
 */
export function cacertsData(ca: IntermediateCa): Record<string, string> {
  const pem = (s: string) => (s.endsWith("\n") ? s : `${s}\n`);
  return {
    "ca-cert.pem": pem(ca.caCert),
    "ca-key.pem": pem(ca.caKey),
    "root-cert.pem": pem(ca.rootCert),
    "cert-chain.pem": pem(ca.caCert) + pem(ca.rootCert),
  };
}

export const CACERTS_NAME = "cacerts";
