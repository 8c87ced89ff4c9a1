import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { OUTPUTS } from "../config/install-settings";
import { installOn } from "./support/install";
import { renderCli, snapshot, tempProject } from "./support/render-project";
import { ROOT, SAMPLE } from "./support/stacks";

describe("install layer: the GitOps tree and the stack outputs", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("renders install/<stack>/ for Argo CD (charts as Applications, istio-system, the east-west gateway), never a Secret, and leaves the overlays as they were", async () => {
    dir = tempProject({
      "cluster-1": { "mesh-lab:install": installOn("cluster-1") },
      "cluster-2": { "mesh-lab:install": installOn("cluster-2") },
    });
    const result = await renderCli(dir);
    assert.strictEqual(result.code, 0, result.stderr);
    const tree = snapshot(path.join(dir, "gitops"));
    const files = [...tree.keys()].filter((p) => p.startsWith("install/cluster-1/"));
    assert.deepStrictEqual(files, [
      "install/cluster-1/application-argocd.mesh-lab-cluster-1-base.yaml",
      "install/cluster-1/application-argocd.mesh-lab-cluster-1-cni.yaml",
      "install/cluster-1/application-argocd.mesh-lab-cluster-1-gateway-api.yaml",
      "install/cluster-1/application-argocd.mesh-lab-cluster-1-istiod.yaml",
      "install/cluster-1/application-argocd.mesh-lab-cluster-1-ztunnel.yaml",
      "install/cluster-1/gateway-istio-system.istio-eastwestgateway.yaml",
      "install/cluster-1/kustomization.yaml",
      "install/cluster-1/namespace-istio-system.yaml",
    ]);
    const install = [...tree]
      .filter(([p]) => p.startsWith("install/"))
      .map(([, text]) => text)
      .join("\n");
    assert.doesNotMatch(install, /kind: Secret|PRIVATE KEY|BEGIN CERTIFICATE/);
    // The mesh config of each cluster is what it was without the layer: Argo CD installs these Applications.
    const committed = snapshot(path.join(SAMPLE, "gitops"));
    for (const stack of ["cluster-1", "cluster-2"])
      assert.strictEqual(
        tree.get(`clusters/${stack}/kustomization.yaml`),
        committed.get(`clusters/${stack}/kustomization.yaml`),
      );
  });

  it("exports the outputs the peer stacks read under the names they read (index.ts)", () => {
    const index = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
    for (const [key, name] of Object.entries(OUTPUTS))
      assert.match(index, new RegExp(`export const ${name} = outputs\\.install\\?\\.outputs\\[OUTPUTS\\.${key}\\];`));
  });
});
