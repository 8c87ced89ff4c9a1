import * as assert from "assert";
import { KubeObject } from "../render/kube-object";
import { ClusterOverlay, Layout, Patch, Unit, unitDir } from "../render/placement";
import { gitopsReadme, ReadmeStack } from "../render/readme";

// gitops/README.md's layout table, from a layout whose counts the repo's own tree does not reach (one of each,
// no base): the committed tree (gitops-snapshot.test.ts) covers the common case.
describe("gitops/README.md: the layout table and the by-hand commands", () => {
  const objects = (n: number) => Array.from({ length: n }, () => ({}) as KubeObject);
  const unit = (
    stack: string,
    app: string | undefined,
    own: number,
    patches: number,
    includes: string[] = [],
  ): Unit => ({
    stack,
    app,
    dir: unitDir(stack, app),
    includes,
    objects: objects(own),
    patches: Array.from({ length: patches }, () => ({}) as Patch),
  });
  const overlay = (stack: string, units: Unit[], observability: number): ClusterOverlay => ({
    stack,
    units,
    observability: objects(observability),
  });
  const stack: ReadmeStack = {
    repoUrl: "https://example.com/mesh.git",
    kubeContext: "ctx",
    engines: ["argocd"],
    meshMap: "",
    accessMap: "",
    installObjects: 0,
    fluxSecretRef: "",
    fluxServiceAccount: "",
  };
  const readme = (layout: Layout) => gitopsReadme(layout, new Map(layout.stacks.map((s) => [s, stack])));
  const tableRows = (text: string) =>
    text.split("\n").filter((l) => /^\| `(base|apps|clusters|tenants|observability|install)\//.test(l));

  it("counts one of each in the singular, sums the tenant units, and has no base row without base objects", () => {
    const layout: Layout = {
      stacks: ["c1", "c2"],
      base: new Map(),
      apps: new Map([["web", objects(1)]]),
      clusters: new Map([
        [
          "c1",
          overlay("c1", [unit("c1", undefined, 0, 0, ["observability/c1"]), unit("c1", "web", 1, 1, ["apps/web"])], 1),
        ],
        ["c2", overlay("c2", [unit("c2", undefined, 0, 0), unit("c2", "a", 1, 2), unit("c2", "b", 1, 0)], 0)],
      ]),
    };
    assert.deepStrictEqual(tableRows(readme(layout)), [
      "| `apps/<app>/` | 1 app, 1 object | the app's tenant unit in each cluster that runs it |",
      "| `clusters/c1/` | 0 objects, `observability/c1/` | Argo CD (`argocd/c1.yaml`) on `c1` |",
      "| `tenants/c1/<app>/` | 1 unit, 1 object in full, 1 patch | Argo CD (`argocd/c1.tenants.yaml`) on `c1`, one unit each |",
      "| `clusters/c2/` | 0 objects | Argo CD (`argocd/c2.yaml`) on `c2` |",
      "| `tenants/c2/<app>/` | 2 units, 2 objects in full, 2 patches | Argo CD (`argocd/c2.tenants.yaml`) on `c2`, one unit each |",
      "| `observability/c1/` | 1 object | `clusters/c1/` (`mesh-lab:observability.deploy`) |",
    ]);
  });

  it("has a base row when base holds objects", () => {
    const layout: Layout = {
      stacks: ["c1"],
      base: new Map([
        ["a", objects(2)],
        ["b", objects(1)],
      ]),
      apps: new Map(),
      clusters: new Map([["c1", overlay("c1", [unit("c1", undefined, 0, 0)], 0)]]),
    };
    assert.deepStrictEqual(
      tableRows(readme(layout))[0],
      "| `base/<app>/` | 2 apps, 3 objects | the app's tenant unit in every cluster |",
    );
  });
  it("has a row for each stack's install layer, and none for a stack without one", () => {
    const layout: Layout = {
      stacks: ["c1", "c2"],
      base: new Map(),
      apps: new Map(),
      clusters: new Map([
        ["c1", overlay("c1", [unit("c1", undefined, 1, 0)], 0)],
        ["c2", overlay("c2", [unit("c2", undefined, 1, 0)], 0)],
      ]),
    };
    const text = gitopsReadme(
      layout,
      new Map([
        ["c1", { ...stack, installObjects: 7 }],
        ["c2", stack],
      ]),
    );
    assert.deepStrictEqual(
      tableRows(text).filter((r) => r.startsWith("| `install/")),
      [
        "| `install/c1/` | 7 objects | applied by hand where Argo CD runs, for `c1` (`mesh-lab:install`, docs/install.md) |",
      ],
    );
  });

  // kubectl apply -k of a unit that builds to nothing fails, so the loop leaves out an empty cluster unit.
  it("applies by hand the first stack's cluster unit only when it holds something, then its tenant units", () => {
    const byHand = (units: Unit[]) => {
      const text = readme({
        stacks: ["c1"],
        base: new Map(),
        apps: new Map(),
        clusters: new Map([["c1", overlay("c1", units, 0)]]),
      });
      return /## By hand\n\n```bash\n([^`]*)```/.exec(text)![1].split("\n").slice(0, -3);
    };
    const web = unit("c1", "web", 1, 0);
    assert.deepStrictEqual(byHand([unit("c1", undefined, 0, 0, ["observability/c1"]), web]), [
      "kubectl kustomize gitops/tenants/c1/web   # what one app gets in c1",
      "for unit in gitops/clusters/c1 gitops/tenants/c1/*; do",
    ]);
    assert.deepStrictEqual(byHand([unit("c1", undefined, 1, 0), web]), [
      "kubectl kustomize gitops/tenants/c1/web   # what one app gets in c1",
      "for unit in gitops/clusters/c1 gitops/tenants/c1/*; do",
    ]);
    assert.deepStrictEqual(byHand([unit("c1", undefined, 0, 0), web]), [
      "kubectl kustomize gitops/tenants/c1/web   # what one app gets in c1",
      "for unit in gitops/tenants/c1/*; do",
    ]);
    assert.deepStrictEqual(byHand([unit("c1", undefined, 1, 0)]), ["for unit in gitops/clusters/c1; do"]);
  });
});
