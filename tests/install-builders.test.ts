import * as assert from "assert";
import { parse } from "yaml";
import { installApplications } from "../plan/install/argocd";
import { PART_OF } from "../plan/specs/marks";
import { chartValues, CHARTS } from "../plan/install/charts";
import {
  cacertsData,
  eastWestGateway,
  istioSystemNamespace,
  readerKubeconfig,
  readerTokenSecret,
  remoteSecret,
} from "../plan/install/manifests";
import { schemaProblems } from "../render/schema-check";
import * as fs from "fs";
import { installGitOpsObjects } from "../plan/install/stack-install";
import { readInstallTarget } from "../config/mesh-members";
import { installOn, rawWithInstall, targetOf } from "./support/install";
import { tempProject } from "./support/render-project";
import { STACKS } from "./support/stacks";

describe("install: pure builders", () => {
  const t1 = targetOf("cluster-1");
  const global = { meshID: "mesh1", multiCluster: { clusterName: "cluster-1" }, network: "network1" };

  it("gives each chart the cluster's identity, the ambient profile where Istio's guide sets it, and the multi-network flag", () => {
    assert.deepStrictEqual(chartValues("base", t1), { global });
    assert.deepStrictEqual(chartValues("istiod", t1), {
      profile: "ambient",
      global,
      meshConfig: { trustDomain: "cluster.local" },
      env: { AMBIENT_ENABLE_MULTI_NETWORK: "true" },
    });
    assert.deepStrictEqual(chartValues("cni", t1), { profile: "ambient", global });
    assert.deepStrictEqual(chartValues("ztunnel", t1), {
      global,
      multiCluster: { clusterName: "cluster-1" },
      network: "network1",
    });
  });

  it("leaves the multi-network flag off when the mesh is one network (a single cluster)", () => {
    assert.strictEqual("env" in chartValues("istiod", { ...t1, peers: [] }), false);
  });

  it("labels istio-system with the network and writes the east-west gateway Istio's sample writes", () => {
    assert.deepStrictEqual(istioSystemNamespace(t1).metadata.labels, {
      "app.kubernetes.io/part-of": "mesh-lab",
      "topology.istio.io/network": "network1",
    });
    const gw = eastWestGateway(t1);
    assert.deepStrictEqual(gw.spec, {
      gatewayClassName: "istio-east-west",
      listeners: [
        {
          name: "mesh",
          port: 15008,
          protocol: "HBONE",
          tls: { mode: "Terminate", options: { "gateway.istio.io/tls-terminate-mode": "ISTIO_MUTUAL" } },
        },
      ],
    });
    assert.strictEqual(gw.metadata.labels?.["topology.istio.io/network"], "network1");
  });

  it("writes a remote secret as istioctl create-remote-secret does", () => {
    const s = remoteSecret({ stack: "cluster-2", clusterName: "cluster-2", network: "network2" }, "KUBECONFIG");
    assert.deepStrictEqual(s.metadata, {
      name: "istio-remote-secret-cluster-2",
      namespace: "istio-system",
      labels: { "app.kubernetes.io/part-of": "mesh-lab", "istio/multiCluster": "true" },
      annotations: { "networking.istio.io/cluster": "cluster-2" },
    });
    assert.deepStrictEqual(s.stringData, { "cluster-2": "KUBECONFIG" });
  });

  it("asks for the reader account's token, and builds a kubeconfig for it", () => {
    const token = readerTokenSecret();
    assert.strictEqual(token.type, "kubernetes.io/service-account-token");
    assert.deepStrictEqual(token.metadata.annotations, {
      "kubernetes.io/service-account.name": "istio-reader-service-account",
    });
    const kc = parse(readerKubeconfig("cluster-1", "https://api:6443", "Q0E=", "tok"));
    assert.deepStrictEqual(kc, {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "cluster-1", cluster: { server: "https://api:6443", "certificate-authority-data": "Q0E=" } }],
      users: [{ name: "cluster-1", user: { token: "tok" } }],
      contexts: [{ name: "cluster-1", context: { cluster: "cluster-1", user: "cluster-1" } }],
      "current-context": "cluster-1",
    });
  });

  it("orders cert-chain.pem intermediate first, then root", () => {
    assert.deepStrictEqual(cacertsData({ caCert: "I", caKey: "K", rootCert: "R\n" }), {
      "ca-cert.pem": "I\n",
      "ca-key.pem": "K\n",
      "root-cert.pem": "R\n",
      "cert-chain.pem": "I\nR\n",
    });
  });

  for (const stack of STACKS) {
    it(`renders one schema-valid Argo CD Application per chart for ${stack}, pinned, with the values inline`, async () => {
      const t = targetOf(stack);
      const [crds, ...apps] = installApplications(t);
      assert.deepStrictEqual(crds.spec, {
        project: "default",
        destination: { server: "https://kubernetes.default.svc" },
        source: {
          repoURL: "https://github.com/kubernetes-sigs/gateway-api.git",
          path: "config/crd/standard",
          targetRevision: "v1.4.0",
        },
        syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
      });
      assert.deepStrictEqual(
        apps.map((a) => (a.spec as unknown as { source: { chart: string } }).source.chart),
        CHARTS.map((c) => c.chart),
      );
      for (const [i, app] of apps.entries()) {
        const source = (app.spec as unknown as { source: Record<string, unknown> }).source;
        assert.strictEqual(source.repoURL, "https://istio-release.storage.googleapis.com/charts");
        assert.strictEqual(source.targetRevision, "1.28.1");
        assert.deepStrictEqual(source.helm, {
          releaseName: CHARTS[i].release,
          valuesObject: chartValues(CHARTS[i].role, t),
        });
      }
      const waves = [crds, ...apps].map((a) => Number(a.metadata.annotations?.["argocd.argoproj.io/sync-wave"]));
      assert.deepStrictEqual(
        [...waves].sort((a, b) => a - b),
        waves,
        "waves follow the chart order",
      );
      // All before wave 0, where Argo CD puts what carries no wave: the mesh config of the same app of apps.
      assert.deepStrictEqual(waves, [-5, -4, -3, -2, -1]);
      assert.deepStrictEqual(crds.metadata.labels, PART_OF);
      for (const app of apps) {
        assert.deepStrictEqual(app.metadata.labels, PART_OF);
        // Prune and heal the charts; server-side apply because the base chart's CRDs overflow the last-applied annotation.
        assert.deepStrictEqual(app.spec.syncPolicy, {
          automated: { prune: true, selfHeal: true },
          syncOptions: ["ServerSideApply=true"],
        });
        assert.deepStrictEqual(
          { project: app.spec.project, destination: app.spec.destination },
          { project: "default", destination: { server: "https://kubernetes.default.svc", namespace: "istio-system" } },
        );
      }
      const objects = [crds, ...apps, istioSystemNamespace(t), eastWestGateway(t), readerTokenSecret()];
      assert.deepStrictEqual(await schemaProblems(objects.map((manifest) => ({ where: stack, manifest }))), []);
    });
  }

  it("leaves the Gateway API CRDs out when someone else installs them", () => {
    const t = targetOf("cluster-1");
    assert.deepStrictEqual(
      installApplications({ ...t, install: { ...t.install, gatewayApiVersion: false } }).map((a) => a.metadata.name),
      CHARTS.map((c) => `mesh-lab-cluster-1-${c.role}`),
    );
  });

  it("puts no Secret in the GitOps form of the install layer", () => {
    for (const stack of STACKS)
      for (const a of installApplications(targetOf(stack)))
        assert.doesNotMatch(JSON.stringify(a), /PRIVATE KEY|cacerts|istio-remote-secret|token/);
  });
});

describe("install: integration helpers", () => {
  it("readInstallTarget checks the stack against the stack files in the project directory", () => {
    const dir = tempProject({ "cluster-2": { install: installOn("cluster-2") } });
    const lonely = tempProject();
    try {
      assert.deepStrictEqual(
        readInstallTarget("cluster-1", rawWithInstall("cluster-1"), dir).peers.map((p) => p.clusterName),
        ["cluster-2"],
      );
      assert.throws(
        () => readInstallTarget("cluster-1", rawWithInstall("cluster-1"), lonely),
        /key "mesh-lab:install.peers" of stack "cluster-1" names "cluster-2"; expected a stack of this project with the install layer enabled \(none\)/,
      );
    } finally {
      for (const d of [dir, lonely]) fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it("installGitOpsObjects: nothing when off; namespace, gateway and Applications, no Secret, when on", () => {
    const t = targetOf("cluster-1");
    assert.deepStrictEqual(installGitOpsObjects({ ...t, install: { ...t.install, enabled: false } }), []);
    const objects = installGitOpsObjects(t);
    assert.deepStrictEqual(
      objects.map((m) => m.kind),
      ["Namespace", "Gateway", "Application", "Application", "Application", "Application", "Application"],
    );
    assert.doesNotMatch(JSON.stringify(objects), /"kind":"Secret"|PRIVATE KEY|CERTIFICATE|cacerts|istio-remote-secret/);
    // A cluster without peers has no east-west traffic, so no east-west gateway.
    assert.deepStrictEqual(
      installGitOpsObjects({ ...t, peers: [] }).map((m) => m.kind),
      ["Namespace", "Application", "Application", "Application", "Application", "Application"],
    );
  });
});
