import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../config/problems";
import { loadMeshMembers, memberOf } from "../config/mesh-members";
import { meshProblems, resolveTarget, spansNetworks } from "../config/mesh-check";
import { INSTALL_KEY } from "../config/parse-install";
import { installOn, meshMembers, rawWithInstall, targetOf } from "./support/install";
import { tempProject } from "./support/render-project";
import { stackRaw } from "./support/stacks";

describe("install: checks across the stacks of the mesh", () => {
  it("accepts the repo's two stacks with the layer on", () => {
    assert.deepStrictEqual(meshProblems(meshMembers()), []);
  });

  it("resolves each stack's peers from the peers' own stack files, and what the root stack signs", () => {
    const t1 = targetOf("cluster-1");
    assert.deepStrictEqual(t1.peers, [{ stack: "cluster-2", clusterName: "cluster-2", network: "network2" }]);
    assert.deepStrictEqual(
      t1.signs.map((s) => s.clusterName),
      ["cluster-1", "cluster-2"],
    );
    const t2 = targetOf("cluster-2");
    assert.deepStrictEqual(t2.peers, [{ stack: "cluster-1", clusterName: "cluster-1", network: "network1" }]);
    assert.deepStrictEqual(t2.signs, []);
    assert.strictEqual(spansNetworks(t1), true);
    assert.strictEqual(spansNetworks({ ...t1, peers: [] }), false);
  });

  it("refuses a mesh ID that differs between stacks", () => {
    const members = meshMembers({ "cluster-2": { ...installOn("cluster-2"), meshId: "mesh2" } });
    assert.deepStrictEqual(meshProblems(members), [
      `key "${INSTALL_KEY}.meshId" is "mesh2" in stack "cluster-2" but "mesh1" in stack "cluster-1"; expected one mesh ID for the whole mesh`,
    ]);
  });

  it("refuses different Istio versions and different root CA stacks", () => {
    const members = meshMembers({
      "cluster-2": { ...installOn("cluster-2"), istioVersion: "1.28.2", rootCa: { stack: "cluster-2" } },
    });
    assert.deepStrictEqual(meshProblems(members), [
      `key "${INSTALL_KEY}.istioVersion" is "1.28.2" in stack "cluster-2" but "1.28.1" in stack "cluster-1"; expected one Istio version for the whole mesh`,
      `key "${INSTALL_KEY}.rootCa.stack" is "cluster-2" in stack "cluster-2" but "cluster-1" in stack "cluster-1"; expected one root CA stack for the whole mesh`,
    ]);
  });

  it("refuses a chart repository and a trust domain that differ between stacks", () => {
    const members = meshMembers({
      "cluster-2": { ...installOn("cluster-2"), chartRepo: "https://charts.example.com/istio" },
    }).map((m) => (m.stack === "cluster-2" ? { ...m, trustDomain: "other.local" } : m));
    assert.deepStrictEqual(meshProblems(members), [
      `key "${INSTALL_KEY}.chartRepo" is "https://charts.example.com/istio" in stack "cluster-2" but "${members[0].install.chartRepo}" in stack "cluster-1"; expected one chart repository for the whole mesh`,
      `key "mesh-lab:trustDomain" is "other.local" in stack "cluster-2" but "cluster.local" in stack "cluster-1"; expected one trust domain for the whole mesh (one root CA, one SPIFFE domain)`,
    ]);
  });

  it("refuses two clusters that claim one network, and two stacks with one cluster name", () => {
    const members = meshMembers().map((m) =>
      m.stack === "cluster-2" ? { ...m, network: "network1", clusterName: "cluster-1" } : m,
    );
    assert.deepStrictEqual(meshProblems(members), [
      `key "mesh-lab:clusterName" is "cluster-1" in stacks "cluster-1" and "cluster-2"; expected a different cluster name per cluster of the mesh`,
      `key "mesh-lab:network" is "network1" in stacks "cluster-1" and "cluster-2", which are different clusters; expected a network per cluster (ambient multicluster is multi-network only)`,
    ]);
  });

  it("refuses one-way peering, an unknown peer, and a root CA stack with the layer off", () => {
    const oneWay = meshMembers({ "cluster-2": { ...installOn("cluster-2"), peers: [] } });
    assert.deepStrictEqual(meshProblems(oneWay), [
      `key "${INSTALL_KEY}.peers" of stack "cluster-2" is []; expected it to name "cluster-1" too, because "cluster-1" names "cluster-2" (remote secrets go both ways)`,
    ]);
    const unknown = meshMembers({ "cluster-1": { ...installOn("cluster-1"), peers: ["cluster-2", "cluster-9"] } });
    assert.deepStrictEqual(meshProblems(unknown), [
      `key "${INSTALL_KEY}.peers" of stack "cluster-1" names "cluster-9"; expected a stack of this project with the install layer enabled (cluster-2)`,
    ]);
    const rootOff = meshMembers({
      "cluster-1": { enabled: false },
      "cluster-2": { ...installOn("cluster-2"), peers: [] },
    });
    assert.deepStrictEqual(meshProblems(rootOff), [
      `key "${INSTALL_KEY}.rootCa.stack" of stack "cluster-2" is "cluster-1"; expected a stack of this project with the install layer enabled (cluster-2)`,
    ]);
  });

  it("resolveTarget throws one ConfigError naming the stack, before anything is registered", () => {
    const members = meshMembers({ "cluster-2": { ...installOn("cluster-2"), meshId: "other" } });
    assert.throws(
      () => resolveTarget("cluster-2", members),
      (e: unknown) => e instanceof ConfigError && e.stack === "cluster-2" && /meshId" is "other"/.test(e.message),
    );
  });

  it("resolveTarget refuses a stack it was not given, naming the stacks it read", () => {
    assert.throws(() => resolveTarget("cluster-9", meshMembers()), {
      name: "ConfigError",
      message:
        /stack "cluster-9" is not among the stacks read \(cluster-1, cluster-2\); expected its Pulumi\.cluster-9\.yaml beside Pulumi\.yaml/,
    });
  });

  it("does not check the mesh for a stack whose layer is off", () => {
    const members = [
      memberOf("cluster-1", stackRaw("cluster-1")),
      ...meshMembers({ "cluster-2": { ...installOn("cluster-2"), meshId: "x" } }).slice(1),
    ];
    assert.strictEqual(resolveTarget("cluster-1", members).install.enabled, false);
  });

  it("reads a member's trust domain from its stack, and cluster.local (Istio's default) when it sets none", () => {
    const raw = rawWithInstall("cluster-1");
    const unset = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== "mesh-lab:trustDomain"));
    assert.strictEqual(memberOf("cluster-1", unset).trustDomain, "cluster.local");
    assert.strictEqual(
      memberOf("cluster-1", { ...raw, "mesh-lab:trustDomain": "corp.example" }).trustDomain,
      "corp.example",
    );
  });

  it("loadMeshMembers lists every stack once, in order, the running one too when it has no stack file yet", () => {
    const dir = tempProject({ "cluster-2": { install: installOn("cluster-2") } });
    try {
      // "a-new" sorts first and has no Pulumi.a-new.yaml: its config comes from the CLI only.
      const members = loadMeshMembers(dir, "a-new", rawWithInstall("cluster-1"));
      assert.deepStrictEqual(
        members.map((m) => m.stack),
        ["a-new", "cluster-1", "cluster-2"],
      );
    } finally {
      fs.rmSync(path.resolve(dir), { recursive: true, force: true });
    }
  });

  it("loadMeshMembers reads the sibling stack files, and the running stack's own config from the CLI", () => {
    const dir = tempProject({ "cluster-2": { install: { ...installOn("cluster-2"), meshId: "from-file" } } });
    try {
      const members = loadMeshMembers(dir, "cluster-1", rawWithInstall("cluster-1"));
      assert.deepStrictEqual(
        members.map((m) => [m.stack, m.install.meshId, m.clusterName, m.network]),
        [
          ["cluster-1", "mesh1", "cluster-1", "network1"],
          ["cluster-2", "from-file", "cluster-2", "network2"],
        ],
      );
      assert.match(meshProblems(members)[0], /meshId" is "from-file" in stack "cluster-2"/);
    } finally {
      fs.rmSync(path.resolve(dir), { recursive: true, force: true });
    }
  });
});
