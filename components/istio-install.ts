import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { registerManifest as register, sdkArgs } from "./register";
import { CHARTS, chartValues, ChartRole, gatewayApiCrdsUrl, ISTIO_NAMESPACE } from "../plan/install/charts";
import {
  CACERTS_NAME,
  cacertsData,
  eastWestGateway,
  IntermediateCa,
  istioSystemNamespace,
  readerKubeconfig,
  readerTokenSecret,
  remoteSecret,
} from "../plan/install/manifests";
import { InstallTarget, OUTPUTS, PeerCluster } from "../config/install-settings";

export interface IstioInstallArgs {
  /** The stack's resolved install target (`resolveTarget`); the layer must be enabled. */
  readonly target: InstallTarget;
  /** The stack's Kubernetes provider: every child uses it. */
  readonly provider: k8s.Provider;
}

// Mirrors Istio's tools/certs/common.mk CA extensions (keyCertSign, digitalSignature), plus CRL signing.
const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];

/**
 * Istio ambient for one cluster of a multi-primary, multi-network mesh: istio-system labelled with the network,
 * the plugged-in CA (`cacerts`) signed by the mesh's root, Istio's four charts, the east-west gateway, the
 * reader token peers use, and a remote secret per peer. Child names are `mesh-install-<role>` and frozen.
 */
export class IstioInstall extends pulumi.ComponentResource {
  /** What the mesh config must `dependsOn`: the Gateway API CRDs and every chart release (Istio CRDs, istiod, cni, ztunnel). */
  public readonly ready: pulumi.Resource[];
  /** The identity this stack installed: what the cluster-identity check must read back. */
  public readonly expected: { readonly clusterName: string; readonly network: string };
  /** The values the istiod release reports once installed (the provider's read of the Helm release). */
  public readonly installedValues: pulumi.Output<Record<string, unknown>>;
  /** Stack outputs to export under these names (`OUTPUTS`); secrets stay secret. */
  public readonly stackOutputs: Record<string, pulumi.Output<unknown>>;
  /** What the mesh still lacks after this run (peers not up yet); empty when complete. */
  public readonly missing: pulumi.Output<string[]>;

  constructor(name: string, args: IstioInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mesh-lab:index:IstioInstall", name, {}, opts);
    const { target: t, provider } = args;
    if (!t.install.enabled)
      throw new Error(`IstioInstall: the install layer of stack "${t.stack}" is off; do not create the component`);
    const child = { parent: this, provider };
    this.expected = { clusterName: t.clusterName, network: t.network };

    const namespace = register("mesh-install-istio-system", istioSystemNamespace(t), {
      ...child,
      retainOnDelete: true,
    });
    const ca =
      t.install.rootCaStack === t.stack
        ? this.signIntermediates(t)
        : { own: this.intermediateFromRoot(t), exported: undefined };
    const cacerts = new k8s.core.v1.Secret(
      "mesh-install-cacerts",
      {
        metadata: { name: CACERTS_NAME, namespace: ISTIO_NAMESPACE },
        type: "Opaque",
        stringData: pulumi.secret(ca.own.apply(cacertsData)),
      },
      { ...child, dependsOn: [namespace] },
    );

    const release = (role: ChartRole, dependsOn: pulumi.Resource[]) => {
      const c = CHARTS.find((x) => x.role === role)!;
      return new k8s.helm.v3.Release(
        `mesh-install-${role}`,
        {
          name: c.release,
          chart: c.chart,
          version: t.install.istioVersion,
          repositoryOpts: { repo: t.install.chartRepo },
          namespace: ISTIO_NAMESPACE,
          createNamespace: false,
          values: chartValues(role, t),
        },
        { ...child, dependsOn },
      );
    };
    const base = release("base", [namespace]);
    // istiod reads cacerts at start (the Deployment mounts it optionally): without it, it would mint its own root.
    const istiod = release("istiod", [base, cacerts]);
    this.installedValues = istiod.values;
    const cni = release("cni", [base]);
    const ztunnel = release("ztunnel", [istiod, cni]);
    // Waypoints and the east-west gateway are Gateway API objects; Istio's charts do not carry the CRDs.
    const v = t.install.gatewayApiVersion;
    const crds =
      v === false
        ? []
        : [new k8s.yaml.v2.ConfigFile("mesh-install-gateway-api", { file: gatewayApiCrdsUrl(v) }, child)];
    this.ready = [...crds, base, istiod, cni, ztunnel];

    if (t.peers.length > 0) {
      // The istio-east-west GatewayClass is istiod's.
      register("mesh-install-east-west-gateway", eastWestGateway(t), { ...child, dependsOn: [istiod, ...crds] });
    }
    const token = new k8s.core.v1.Secret(
      "mesh-install-reader-token",
      sdkArgs<k8s.core.v1.SecretArgs>(readerTokenSecret()),
      { ...child, dependsOn: [base] },
    );
    const kubeconfig =
      t.install.apiServer === undefined
        ? undefined
        : pulumi.secret(
            token.data.apply((d) =>
              readerKubeconfig(
                t.clusterName,
                t.install.apiServer!,
                d["ca.crt"],
                Buffer.from(d["token"], "base64").toString("utf8"),
              ),
            ),
          );
    const peersMissing = t.peers.map((p) => this.remoteSecretFor(t, p, child, istiod));

    // The messages name stacks and outputs, never their values: not a secret, though read from secret outputs.
    // Waiting on cacerts' URN makes a missing intermediate fail the run wherever `missing` is exported.
    this.missing = pulumi.unsecret(
      pulumi.all([pulumi.all(peersMissing), cacerts.urn]).apply(([m]) => m.filter((x): x is string => x !== undefined)),
    );
    this.stackOutputs = {
      ...(kubeconfig ? { [OUTPUTS.readerKubeconfig]: kubeconfig } : {}),
      ...(ca.exported ? { [OUTPUTS.intermediates]: ca.exported } : {}),
    };
    this.registerOutputs({ missing: this.missing });
  }

  /** Root stack: the mesh's root CA and one intermediate per cluster that names this stack as root. */
  private signIntermediates(t: InstallTarget): {
    own: pulumi.Output<IntermediateCa>;
    exported: pulumi.Output<Record<string, IntermediateCa>>;
  } {
    const parent = { parent: this };
    const rootKey = new tls.PrivateKey("mesh-install-root-ca-key", { algorithm: "RSA", rsaBits: 4096 }, parent);
    const root = new tls.SelfSignedCert(
      "mesh-install-root-ca",
      {
        privateKeyPem: rootKey.privateKeyPem,
        subject: { organization: "Istio", commonName: `Root CA ${t.install.meshId}` },
        isCaCertificate: true,
        validityPeriodHours: t.install.rootCaHours,
        allowedUses: CA_USES,
        setSubjectKeyId: true,
      },
      parent,
    );
    const byCluster: Record<string, pulumi.Output<IntermediateCa>> = {};
    for (const c of t.signs) {
      const key = new tls.PrivateKey(
        `mesh-install-ca-key-${c.clusterName}`,
        { algorithm: "RSA", rsaBits: 4096 },
        parent,
      );
      const csr = new tls.CertRequest(
        `mesh-install-ca-csr-${c.clusterName}`,
        // Istio's tools name the intermediate by cluster and give it istiod's service name (tools/certs/common.mk).
        {
          privateKeyPem: key.privateKeyPem,
          subject: { organization: "Istio", commonName: "Intermediate CA", locality: c.clusterName },
          dnsNames: [`istiod.${ISTIO_NAMESPACE}.svc`],
        },
        parent,
      );
      const cert = new tls.LocallySignedCert(
        `mesh-install-ca-${c.clusterName}`,
        {
          certRequestPem: csr.certRequestPem,
          caPrivateKeyPem: rootKey.privateKeyPem,
          caCertPem: root.certPem,
          isCaCertificate: true,
          validityPeriodHours: t.install.intermediateCaHours,
          allowedUses: CA_USES,
          setSubjectKeyId: true,
        },
        parent,
      );
      byCluster[c.clusterName] = pulumi.secret(
        pulumi
          .all([cert.certPem, key.privateKeyPem, root.certPem])
          .apply(([caCert, caKey, rootCert]) => ({ caCert, caKey, rootCert })),
      );
    }
    const others = Object.fromEntries(Object.entries(byCluster).filter(([c]) => c !== t.clusterName));
    return { own: byCluster[t.clusterName], exported: pulumi.secret(pulumi.output(others)) };
  }

  /** Other stacks: their intermediate, signed and exported (secret) by the root stack. */
  private intermediateFromRoot(t: InstallTarget): pulumi.Output<IntermediateCa> {
    const root = new pulumi.StackReference(
      "mesh-install-root-stack",
      { name: stackName(t, t.install.rootCaStack) },
      { parent: this },
    );
    return root.getOutput(OUTPUTS.intermediates).apply((all: Record<string, IntermediateCa> | undefined) => {
      const own = all?.[t.clusterName];
      // Failing here stops the run before istiod: an istiod without cacerts would mint a root of its own.
      if (!own)
        throw new Error(
          `stack "${t.stack}": the root CA stack "${t.install.rootCaStack}" exports no intermediate CA for cluster "${t.clusterName}" yet; run "pulumi up -s ${t.install.rootCaStack}" first (docs/install.md, first bring-up)`,
        );
      return own;
    });
  }

  /** The remote secret to read `peer`, once the peer stack exports its reader kubeconfig; else what is missing. */
  private remoteSecretFor(
    t: InstallTarget,
    peer: PeerCluster,
    child: { parent: pulumi.Resource; provider: k8s.Provider },
    istiod: pulumi.Resource,
  ): pulumi.Output<string | undefined> {
    const ref = new pulumi.StackReference(
      `mesh-install-peer-${peer.stack}`,
      { name: stackName(t, peer.stack) },
      { parent: this },
    );
    return ref.getOutput(OUTPUTS.readerKubeconfig).apply((kubeconfig: string | undefined) => {
      if (!kubeconfig) {
        const msg = `remote secret istio-remote-secret-${peer.clusterName} not written: stack "${peer.stack}" exports no ${OUTPUTS.readerKubeconfig} yet; run "pulumi up -s ${peer.stack}", then "pulumi up -s ${t.stack}" again`;
        void pulumi.log.warn(msg, this);
        return msg;
      }
      // Created once the peer's output is known (it is, at preview too: stack outputs are read, not computed).
      new k8s.core.v1.Secret(
        `mesh-install-remote-secret-${peer.clusterName}`,
        sdkArgs(remoteSecret(peer, pulumi.secret(kubeconfig))),
        { ...child, dependsOn: [istiod] },
      );
      return undefined;
    });
  }
}

function stackName(t: InstallTarget, stack: string): string {
  return `${t.install.organization}/${pulumi.getProject()}/${stack}`;
}
