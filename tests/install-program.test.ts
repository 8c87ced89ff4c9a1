import * as assert from "assert";
import { parseSettings } from "../config/parse-settings";
import { installOn, rawWithInstall, stackRefs, targetOf } from "./support/install";
import { installMockExtensions } from "./support/install-mock";
import { CaptureError, runProgram } from "./support/run-program";
import { installedIdentityProblems } from "../components/cluster-identity";
import { program } from "./support/stacks";

const INSTALL = "mesh-lab:index:IstioInstall";

describe("install layer on, through the real program (MeshCluster)", () => {
  it("installs Istio before any mesh config: every app namespace waits for the charts, and no istiod is read", async () => {
    await installMockExtensions();
    // given cluster-1, the root CA stack, on an empty cluster (cluster-2 not up yet)
    const settings = parseSettings("cluster-1", rawWithInstall("cluster-1", installOn("cluster-1")));
    const capture = await runProgram(
      program({ settings, install: targetOf("cluster-1") }),
      stackRefs({ "cluster-2": {} }),
    );
    // then the install component is MeshCluster's child, the namespaces depend on its releases, and nothing was read
    const install = capture.resources.find((r) => r.type === INSTALL);
    assert.ok(install, "no IstioInstall registered");
    assert.match(install.parent, /MeshCluster::mesh$/);
    const releases = capture.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => r.urn);
    assert.strictEqual(releases.length, 4);
    for (const ns of capture.resources.filter(
      (r) => r.type === "kubernetes:core/v1:Namespace" && r.name.endsWith("-namespace"),
    )) {
      for (const release of releases)
        assert.ok(ns.dependsOn.includes(release), `${ns.name} does not wait for ${release}`);
    }
    assert.deepStrictEqual(
      capture.reads.filter((r) => r.includes("istiod")),
      [],
    );
    assert.deepStrictEqual(capture.violations, []);
  });
});

describe("install layer on: the cluster check reads what the istiod release reports", () => {
  it("names the release's cluster name and network when they are not the stack's", () => {
    const settings = parseSettings("cluster-1", rawWithInstall("cluster-1", installOn("cluster-1")));
    assert.deepStrictEqual(
      installedIdentityProblems(settings, {
        global: { multiCluster: { clusterName: "cluster-1" }, network: "network1" },
      }),
      [],
    );
    assert.deepStrictEqual(
      installedIdentityProblems(settings, {
        global: { multiCluster: { clusterName: "cluster-2" }, network: "network2" },
      }),
      [
        'the istiod release on kube context "k3d-cluster-1" reports cluster name "cluster-2", but mesh-lab:clusterName is "cluster-1"',
        'the istiod release on kube context "k3d-cluster-1" reports network "network2", but mesh-lab:network is "network1"',
      ],
    );
  });

  it("refuses to deploy the mesh config when the installed istiod is another cluster's, before any namespace", async () => {
    await installMockExtensions();
    // given a stack that declares cluster-9 while the istiod release it gets installs cluster-1's values
    const settings = parseSettings("cluster-1", {
      ...rawWithInstall("cluster-1", installOn("cluster-1")),
      "mesh-lab:clusterName": "cluster-9",
    });
    const failed = await runProgram(
      program({ settings, install: targetOf("cluster-1") }),
      stackRefs({ "cluster-2": {} }),
    ).catch((e: unknown) => e);
    assert.ok(failed instanceof CaptureError, String(failed));
    assert.strictEqual((failed.cause as Error).name, "WrongClusterError", (failed.cause as Error).message);
    assert.match(
      (failed.cause as Error).message,
      /reports cluster name "cluster-1", but mesh-lab:clusterName is "cluster-9"/,
    );
    assert.deepStrictEqual(
      failed.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.name.endsWith("-namespace")),
      [],
    );
  });
});
