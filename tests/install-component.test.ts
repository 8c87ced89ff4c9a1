import * as assert from "assert";
import * as x509 from "@peculiar/x509";
import * as pulumi from "@pulumi/pulumi";
import { createPublicKey, X509Certificate } from "node:crypto";
import { parse } from "yaml";
import { Capture } from "./support/run-program";
import { RecordedResource } from "./support/recorder";
import { chartValues, CHARTS } from "../plan/install/charts";
import { OUTPUTS } from "../config/install-settings";
import { CLUSTER_CA, TOKEN } from "./support/install-mock";
import { bringUp, installOn, InstallRun, plain, rawWithInstall, runInstall, targetOf } from "./support/install";
import { memberOf } from "../config/mesh-members";

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  secret: "kubernetes:core/v1:Secret",
  namespace: "kubernetes:core/v1:Namespace",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  crds: "kubernetes:yaml/v2:ConfigFile",
};

function find(c: Capture, type: string, name: string): RecordedResource {
  const found = c.resources.filter((r) => r.type === type && r.name === name);
  assert.strictEqual(
    found.length,
    1,
    `expected one ${type} ${name}; have ${c.resources.map((r) => r.name).join(", ")}`,
  );
  return found[0];
}
const pems = (chain: string) => chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
const cacerts = (c: Capture) =>
  plain<Record<string, string>>(find(c, T.secret, "mesh-install-cacerts").inputs.stringData);

describe("IstioInstall under mocks", function () {
  this.timeout(180000);
  const runs = async (): Promise<Record<"cluster-1" | "cluster-2", InstallRun>> => {
    const up = await bringUp();
    return { "cluster-1": up.third, "cluster-2": up.second };
  };

  for (const stack of ["cluster-1", "cluster-2"] as const) {
    describe(`stack ${stack}`, () => {
      it("installs Istio's four charts at the pinned version from the chart repository, with the values builders' values", async () => {
        const c = (await runs())[stack].capture;
        const t = targetOf(stack);
        for (const chart of CHARTS) {
          const r = find(c, T.release, `mesh-install-${chart.role}`);
          assert.deepStrictEqual(
            {
              name: r.inputs.name,
              chart: r.inputs.chart,
              version: r.inputs.version,
              repo: (r.inputs.repositoryOpts as { repo: string }).repo,
              namespace: r.inputs.namespace,
              values: r.inputs.values,
            },
            {
              name: chart.release,
              chart: chart.chart,
              version: "1.28.1",
              repo: "https://istio-release.storage.googleapis.com/charts",
              namespace: "istio-system",
              values: chartValues(chart.role, t),
            },
          );
        }
      });

      it("orders the install: namespace, then cacerts and base, then istiod, then ztunnel; gateway and remote secrets after istiod", async () => {
        const c = (await runs())[stack].capture;
        const urn = (type: string, name: string) => find(c, type, name).urn;
        const deps = (type: string, name: string) => find(c, type, name).dependsOn;
        const ns = urn(T.namespace, "mesh-install-istio-system");
        assert.ok(deps(T.secret, "mesh-install-cacerts").includes(ns));
        assert.ok(deps(T.release, "mesh-install-base").includes(ns));
        const istiod = deps(T.release, "mesh-install-istiod");
        assert.ok(istiod.includes(urn(T.secret, "mesh-install-cacerts")), "cacerts before istiod");
        assert.ok(istiod.includes(urn(T.release, "mesh-install-base")), "base (CRDs, reader account) before istiod");
        assert.ok(deps(T.release, "mesh-install-cni").includes(urn(T.release, "mesh-install-base")));
        assert.ok(deps(T.release, "mesh-install-ztunnel").includes(urn(T.release, "mesh-install-istiod")));
        assert.ok(deps(T.gateway, "mesh-install-east-west-gateway").includes(urn(T.release, "mesh-install-istiod")));
        assert.ok(
          deps(T.gateway, "mesh-install-east-west-gateway").includes(urn(T.crds, "mesh-install-gateway-api")),
          "Gateway API CRDs before the gateway",
        );
        assert.strictEqual(
          find(c, T.crds, "mesh-install-gateway-api").inputs.file,
          "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.0/standard-install.yaml",
        );
        assert.ok(
          deps(T.secret, "mesh-install-reader-token").includes(urn(T.release, "mesh-install-base")),
          "the base chart creates the reader account",
        );
        const peer = stack === "cluster-1" ? "cluster-2" : "cluster-1";
        assert.ok(deps(T.secret, `mesh-install-remote-secret-${peer}`).includes(urn(T.release, "mesh-install-istiod")));
      });

      it("offers the mesh config what to depend on (CRDs, the four releases) and the identity to check", async () => {
        const c = (await runs())[stack].capture;
        const urns = [
          find(c, T.crds, "mesh-install-gateway-api").urn,
          ...CHARTS.map((ch) => find(c, T.release, `mesh-install-${ch.role}`).urn),
        ];
        assert.deepStrictEqual(c.outputs.ready, urns);
        assert.deepStrictEqual(c.outputs.expected, {
          clusterName: stack,
          network: stack === "cluster-1" ? "network1" : "network2",
        });
      });

      it("hands the stack's provider and the component as parent to every Kubernetes child", async () => {
        const c = (await runs())[stack].capture;
        const component = find(c, "mesh-lab:index:IstioInstall", "mesh-install");
        const provider = find(c, "pulumi:providers:kubernetes", "mesh-k8s");
        const children = c.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(children.length >= 9);
        for (const r of children) {
          assert.strictEqual(r.provider, `${provider.urn}::mesh-k8s-id`, r.name);
          assert.strictEqual(r.parent, component.urn, r.name);
          assert.match(r.name, /^mesh-install-/);
        }
        // istio-system holds every release: a refactor that dropped it from the program must not delete the mesh.
        assert.deepStrictEqual(
          children.filter((r) => r.retainOnDelete).map((r) => r.name),
          ["mesh-install-istio-system"],
        );
        assert.deepStrictEqual(c.violations, []);
      });

      it("writes the remote secret for the other cluster: its API server, the reader account's token", async () => {
        const c = (await runs())[stack].capture;
        const peer = stack === "cluster-1" ? "cluster-2" : "cluster-1";
        const s = find(c, T.secret, `mesh-install-remote-secret-${peer}`);
        assert.deepStrictEqual(s.secretInputs, ["stringData"]);
        const meta = s.inputs.metadata as {
          name: string;
          labels: Record<string, string>;
          annotations: Record<string, string>;
        };
        assert.strictEqual(meta.name, `istio-remote-secret-${peer}`);
        assert.strictEqual(meta.labels["istio/multiCluster"], "true");
        assert.strictEqual(meta.annotations["networking.istio.io/cluster"], peer);
        const data = plain<Record<string, string>>(s.inputs.stringData);
        assert.deepStrictEqual(Object.keys(data), [peer]);
        const kc = parse(data[peer]);
        assert.strictEqual(kc.clusters[0].cluster.server, `https://k3d-${peer}-serverlb:6443`);
        assert.strictEqual(
          Buffer.from(kc.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
          CLUSTER_CA,
        );
        assert.deepStrictEqual(kc.users, [{ name: peer, user: { token: TOKEN } }]);
        const token = find(c, T.secret, "mesh-install-reader-token");
        assert.strictEqual(
          (token.inputs.metadata as { annotations: Record<string, string> }).annotations[
            "kubernetes.io/service-account.name"
          ],
          "istio-reader-service-account",
        );
      });

      it("writes cacerts where istiod's plugged-in CA reads it, and no release creates istio-system (its own resource keeps it)", async () => {
        const c = (await runs())[stack].capture;
        const secret = find(c, T.secret, "mesh-install-cacerts");
        assert.deepStrictEqual(secret.inputs.metadata, { name: "cacerts", namespace: "istio-system" });
        assert.strictEqual(secret.inputs.type, "Opaque");
        for (const chart of CHARTS)
          assert.strictEqual(
            find(c, T.release, `mesh-install-${chart.role}`).inputs.createNamespace,
            false,
            chart.role,
          );
      });

      it("registers cacerts with the four keys as a secret input, and exports key material only as secret outputs", async () => {
        const run = (await runs())[stack];
        assert.deepStrictEqual(find(run.capture, T.secret, "mesh-install-cacerts").secretInputs, ["stringData"]);
        assert.deepStrictEqual(Object.keys(cacerts(run.capture)).sort(), [
          "ca-cert.pem",
          "ca-key.pem",
          "cert-chain.pem",
          "root-cert.pem",
        ]);
        for (const [name, out] of Object.entries(run.raw))
          assert.strictEqual(await pulumi.isSecret(out), name !== "missing", name);
        // Anywhere an input is not registered as a secret, no key and no token appear.
        for (const r of run.capture.resources) {
          for (const [k, v] of Object.entries(r.inputs)) {
            if (r.secretInputs.includes(k)) continue;
            assert.doesNotMatch(JSON.stringify(v), /PRIVATE KEY|reader-token-for-tests/, `${r.name}.${k}`);
          }
        }
        assert.doesNotMatch(JSON.stringify(run.capture.outputs.missing), /PRIVATE KEY|token/);
      });
    });
  }

  it("builds a real CA tree: one self-signed root, an intermediate per cluster signed by it, chain intermediate-then-root", async () => {
    const up = await bringUp();
    // The first run's CA is the one cluster-2 received (a mock run re-creates certificates; real state keeps them).
    const [a, b] = [cacerts(up.first.capture), cacerts(up.second.capture)];
    assert.strictEqual(a["root-cert.pem"], b["root-cert.pem"], "one root for the mesh");
    const root = new X509Certificate(a["root-cert.pem"]);
    assert.ok(root.ca && root.checkIssued(root) && root.verify(root.publicKey), "root: a self-signed CA");
    for (const [cluster, ca] of [
      ["cluster-1", a],
      ["cluster-2", b],
    ] as const) {
      const inter = new X509Certificate(ca["ca-cert.pem"]);
      assert.ok(inter.ca, `${cluster}: intermediate is a CA`);
      assert.ok(inter.checkIssued(root) && inter.verify(root.publicKey), `${cluster}: signed by the root`);
      assert.ok(!inter.verify(inter.publicKey), `${cluster}: not self-signed`);
      assert.match(inter.subject, new RegExp(`L=${cluster}`));
      assert.strictEqual(
        createPublicKey(ca["ca-key.pem"]).export({ format: "pem", type: "spki" }),
        inter.publicKey.export({ format: "pem", type: "spki" }),
        `${cluster}: ca-key matches ca-cert`,
      );
      const chain = pems(ca["cert-chain.pem"]);
      assert.deepStrictEqual(
        chain.map((p) => new X509Certificate(p).fingerprint256),
        [inter.fingerprint256, root.fingerprint256],
        `${cluster}: chain order`,
      );
      const hours = (cert: X509Certificate) => (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 3600_000;
      assert.ok(Math.abs(hours(inter) - 8760) <= 1 && Math.abs(hours(root) - 87600) <= 1, `${cluster}: validity`);
      assert.ok(
        Date.parse(inter.validTo) <= Date.parse(root.validTo),
        `${cluster}: the intermediate expires before the root`,
      );
      for (const pem of [ca["ca-cert.pem"], ca["root-cert.pem"]]) {
        const usage = new x509.X509Certificate(pem).getExtension(x509.KeyUsagesExtension)!;
        assert.ok(
          usage.critical && usage.usages & x509.KeyUsageFlags.keyCertSign && usage.usages & x509.KeyUsageFlags.cRLSign,
          "cert and CRL signing",
        );
      }
    }
    assert.notStrictEqual(a["ca-cert.pem"], b["ca-cert.pem"], "one intermediate per cluster");
  });

  it("asks the tls provider for the CA Istio's own tools make: RSA 4096 keys, O=Istio, an intermediate per cluster with istiod's DNS name (tools/certs/common.mk)", async () => {
    const c = (await bringUp()).third.capture;
    const component = find(c, "mesh-lab:index:IstioInstall", "mesh-install");
    const tls = c.resources.filter((r) => r.type.startsWith("tls:"));
    for (const r of tls) assert.strictEqual(r.parent, component.urn, `${r.name}: a child of the component`);
    const keys = tls.filter((r) => r.type === "tls:index/privateKey:PrivateKey");
    assert.deepStrictEqual(
      keys.map((k) => [k.name, k.inputs.algorithm, k.inputs.rsaBits]),
      ["mesh-install-root-ca-key", "mesh-install-ca-key-cluster-1", "mesh-install-ca-key-cluster-2"].map((n) => [
        n,
        "RSA",
        4096,
      ]),
    );
    const root = find(c, "tls:index/selfSignedCert:SelfSignedCert", "mesh-install-root-ca");
    assert.deepStrictEqual(root.inputs.subject, { organization: "Istio", commonName: "Root CA mesh1" });
    for (const cluster of ["cluster-1", "cluster-2"]) {
      const csr = find(c, "tls:index/certRequest:CertRequest", `mesh-install-ca-csr-${cluster}`);
      assert.deepStrictEqual(csr.inputs.subject, {
        organization: "Istio",
        commonName: "Intermediate CA",
        locality: cluster,
      });
      assert.deepStrictEqual(csr.inputs.dnsNames, ["istiod.istio-system.svc"]);
      const cert = find(c, "tls:index/locallySignedCert:LocallySignedCert", `mesh-install-ca-${cluster}`);
      // A subject key id on both, so the chain names its issuer by key as openssl's CA does.
      assert.strictEqual(cert.inputs.setSubjectKeyId, true, cluster);
    }
    assert.strictEqual(root.inputs.setSubjectKeyId, true);
  });

  it("the root stack exports every other cluster's intermediate, and nobody else holds the root key", async () => {
    const up = await bringUp();
    const exported = up.third.capture.outputs[OUTPUTS.intermediates] as Record<string, { caKey: string }>;
    assert.deepStrictEqual(Object.keys(exported), ["cluster-2"]);
    assert.strictEqual(up.second.capture.resources.filter((r) => r.type.startsWith("tls:")).length, 0);
    assert.strictEqual(OUTPUTS.intermediates in up.second.capture.outputs, false);
  });

  it("a first pulumi up of cluster-1 before cluster-2 succeeds and says which remote secret is missing", async () => {
    const up = await bringUp();
    const missing = up.first.capture.outputs.missing as string[];
    assert.deepStrictEqual(missing, [
      'remote secret istio-remote-secret-cluster-2 not written: stack "cluster-2" exports no installReaderKubeconfig yet; run "pulumi up -s cluster-2", then "pulumi up -s cluster-1" again',
    ]);
    assert.strictEqual(
      up.first.capture.resources.some((r) => r.name.startsWith("mesh-install-remote-secret-")),
      false,
    );
    assert.ok(up.first.capture.resources.some((r) => r.name === "mesh-install-istiod"));
    assert.deepStrictEqual(up.third.capture.outputs.missing, []);
  });

  it("cluster-2 before the root stack stops with what to run first, before istiod", async () => {
    await assert.rejects(
      runInstall(targetOf("cluster-2"), { "cluster-1": {} }),
      (e: Error & { resources?: RecordedResource[] }) => {
        assert.match(
          e.message,
          /stack "cluster-2": the root CA stack "cluster-1" exports no intermediate CA for cluster "cluster-2" yet; run "pulumi up -s cluster-1" first/,
        );
        assert.deepStrictEqual(
          e.resources?.filter((r) => /cacerts|istiod|ztunnel/.test(r.name)),
          [],
        );
        return true;
      },
    );
  });

  it("installs a cluster with no peers: no east-west gateway, no remote secret, nothing missing, and no reader kubeconfig without an apiServer", async () => {
    const alone = { ...installOn("cluster-1"), peers: [] } as Record<string, unknown>;
    delete alone.apiServer;
    const t = targetOf("cluster-1", [memberOf("cluster-1", rawWithInstall("cluster-1", alone))]);
    assert.strictEqual(t.install.apiServer, undefined);
    const { capture } = await runInstall(t);
    assert.deepStrictEqual(
      capture.resources.filter((r) => r.type === T.gateway || r.name.startsWith("mesh-install-remote-secret-")),
      [],
    );
    assert.deepStrictEqual(capture.outputs.missing, []);
    assert.strictEqual(OUTPUTS.readerKubeconfig in capture.outputs, false);
    // `pulumi stack` shows the component's outputs: what the mesh lacks, here nothing.
    const component = capture.resources.find((r) => r.type === "mesh-lab:index:IstioInstall")!;
    assert.deepStrictEqual(capture.componentOutputs![component.urn], { missing: [] });
    // Its own intermediate still comes from its own root, as in a mesh of several clusters.
    assert.deepStrictEqual(Object.keys(cacerts(capture)).sort(), [
      "ca-cert.pem",
      "ca-key.pem",
      "cert-chain.pem",
      "root-cert.pem",
    ]);
  });

  it("refuses to run with the layer off", async () => {
    const off = { ...targetOf("cluster-1"), install: { ...targetOf("cluster-1").install, enabled: false } };
    await assert.rejects(runInstall(off), /install layer of stack "cluster-1" is off/);
  });
});
