import * as assert from "assert";
import { KubeObject } from "../render/kube-object";
import { ClusterOverlay, Layout, Patch } from "../render/placement";
import { gitopsReadme, ReadmeStack } from "../render/readme";

// gitops/README.md's layout table, from a layout whose counts the repo's own tree does not reach (one of each,
// no base): the committed tree (gitops-snapshot.test.ts) covers the common case.
describe("gitops/README.md: the layout table", () => {
  const objects = (n: number) => Array.from({ length: n }, () => ({}) as KubeObject);
  const overlay = (
    stack: string,
    apps: string[],
    own: number,
    patches: number,
    observability: number,
  ): ClusterOverlay => ({
    stack,
    base: false,
    apps,
    objects: objects(own),
    patches: Array.from({ length: patches }, () => ({}) as Patch),
    observability: objects(observability),
  });
  const stack: ReadmeStack = {
    repoUrl: "https://example.com/mesh.git",
    kubeContext: "ctx",
    engines: ["argocd"],
    meshMap: "",
    accessMap: "",
  };
  const readme = (layout: Layout) => gitopsReadme(layout, new Map(layout.stacks.map((s) => [s, stack])));
  const tableRows = (text: string) =>
    text.split("\n").filter((l) => /^\| `(base|apps|clusters|observability)\//.test(l));

  it("counts one object and one patch in the singular, lists an app's clusters, and has no base row without base objects", () => {
    const layout: Layout = {
      stacks: ["c1", "c2"],
      base: [],
      apps: new Map([["web", objects(1)]]),
      clusters: new Map([
        ["c1", overlay("c1", ["web"], 1, 1, 1)],
        ["c2", overlay("c2", [], 2, 2, 0)],
      ]),
    };
    assert.deepStrictEqual(tableRows(readme(layout)), [
      "| `apps/web/` | 1 object | `c1` |",
      "| `clusters/c1/` | 1 object, 1 patch | Argo CD (`argocd/c1.yaml`) on `c1` |",
      "| `clusters/c2/` | 2 objects, 2 patches | Argo CD (`argocd/c2.yaml`) on `c2` |",
      "| `observability/c1/` | 1 object | `clusters/c1/` (`mesh-lab:observability.deploy`) |",
    ]);
  });

  it("has a base row when base holds objects", () => {
    const layout: Layout = {
      stacks: ["c1"],
      base: objects(3),
      apps: new Map(),
      clusters: new Map([["c1", overlay("c1", [], 0, 0, 0)]]),
    };
    assert.deepStrictEqual(tableRows(readme(layout))[0], "| `base/` | 3 objects | every cluster overlay |");
  });
});
