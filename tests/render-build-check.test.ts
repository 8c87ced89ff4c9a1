import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../render/cli";
import { buildDifferences, buildOverlays } from "../render/kustomize-build";
import { findKubectl } from "../render/kubectl";
import { kubeObject } from "../render/kube-object";
import { renderProject } from "../render/pipeline";
import { fixtureProject, snapshot, tempProject } from "./support/render-project";
import { SAMPLE } from "./support/stacks";

// The render proves each overlay builds to its stack with the real kubectl kustomize before it writes anything.
const ns = (name: string, labels: Record<string, string> = {}) =>
  kubeObject({
    manifest: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } },
    app: name,
    layer: "base",
  });

describe("render: the build check", () => {
  describe("buildDifferences", () => {
    it("is empty when the overlay builds to exactly the planned objects", () => {
      assert.deepStrictEqual(buildDifferences("s", [ns("a").manifest, ns("b").manifest], [ns("a"), ns("b")]), []);
    });

    it("names a planned object the build lacks, one it has in another shape, and the count", () => {
      assert.deepStrictEqual(buildDifferences("s", [ns("a", { x: "1" }).manifest], [ns("a"), ns("b")]), [
        "tenants/s/a lacks v1 Namespace a as the program plans it",
        "tenants/s/b lacks v1 Namespace b as the program plans it",
        "s's units have v1 Namespace a, which the program does not plan so",
        "s's units build 1 objects; the program plans 2",
      ]);
    });

    it("names a duplicate the sets alone would miss (two groups of units are two builds), and counts it", () => {
      assert.deepStrictEqual(buildDifferences("s", [ns("a").manifest, ns("a").manifest], [ns("a")]), [
        "s's units hold v1 Namespace a more than once",
        "s's units build 2 objects; the program plans 1",
      ]);
    });

    it("says (no name) for a built document without one, also when it comes twice", () => {
      const nameless = { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "a" } };
      assert.deepStrictEqual(buildDifferences("s", [nameless, { ...nameless }], []), [
        "s's units have v1 ConfigMap a/(no name), which the program does not plan so",
        "s's units have v1 ConfigMap a/(no name), which the program does not plan so",
        "s's units hold v1 ConfigMap a/(no name) more than once",
        "s's units build 2 objects; the program plans 0",
      ]);
    });
  });

  describe("findKubectl", () => {
    it("takes $KUBECTL when it is executable, refuses one that is not, and otherwise searches PATH", () => {
      assert.strictEqual(findKubectl({ KUBECTL: "/bin/sh" }), "/bin/sh");
      assert.strictEqual(findKubectl({ KUBECTL: "/nonexistent/kubectl", PATH: "/usr/bin:/bin" }), undefined);
      assert.strictEqual(findKubectl({ KUBECTL: "" }), undefined);
      assert.strictEqual(findKubectl({ PATH: "" }), undefined);
      assert.strictEqual(findKubectl({ PATH: path.join(SAMPLE, "gitops") }), undefined);
    });

    it("takes only an executable regular file, from $KUBECTL or from a PATH directory", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-kubectl-"));
      try {
        const file = path.join(dir, "kubectl");
        fs.writeFileSync(file, "#!/bin/sh\n", { mode: 0o644 });
        assert.strictEqual(findKubectl({ KUBECTL: file }), undefined);
        assert.strictEqual(findKubectl({ PATH: dir }), undefined);
        fs.chmodSync(file, 0o755);
        assert.strictEqual(findKubectl({ KUBECTL: file }), file);
        assert.strictEqual(findKubectl({ PATH: `/nonexistent${path.delimiter}${dir}` }), file);
        assert.strictEqual(findKubectl({ KUBECTL: dir }), undefined, "a directory is not a kubectl");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("with the real kubectl kustomize", function () {
    const kubectl = findKubectl();
    before(function () {
      if (!kubectl) {
        console.log(
          "      SKIPPED (build check): no kubectl on PATH or in $KUBECTL; install kubectl (it includes kustomize)",
        );
        this.skip();
      }
    });

    it("passes the repo's rendered tree, and names an object changed in a unit's file", async () => {
      const { tree, stacks } = await renderProject(SAMPLE);
      assert.deepStrictEqual((await buildOverlays(kubectl!, tree, stacks)).problems, []);
      const file = [...tree.keys()].find((p) => /^tenants\/cluster-1\/[^/]+\/authorizationpolicy-/.test(p))!;
      const tampered = new Map(tree).set(file, tree.get(file)!.replace("action: ALLOW", "action: DENY"));
      const problems = (await buildOverlays(kubectl!, tampered, stacks)).problems;
      assert.strictEqual(problems.length, 2, problems.join("\n"));
      assert.match(
        problems[0],
        /^tenants\/cluster-1\/[^/]+ lacks security\.istio\.io\/v1 AuthorizationPolicy \S+ as the program plans it$/,
      );
      assert.match(
        problems[1],
        /^cluster-1's units have security\.istio\.io\/v1 AuthorizationPolicy \S+, which the program does not plan so$/,
      );
    });

    it("names the unit that does not build, with kustomize's own message", async () => {
      const { tree, stacks } = await renderProject(SAMPLE);
      const broken = new Map(tree);
      const file = [...tree.keys()].find((p) => /^base\/[^/]+\/namespace-/.test(p))!;
      broken.delete(file);
      const problems = (await buildOverlays(kubectl!, broken, stacks)).problems;
      const app = file.split("/")[1];
      assert.deepStrictEqual(
        problems.map((p) => p.split(": ")[0]),
        stacks.map((s) => `tenants/${s.stack}/${app} does not build with ${kubectl} kustomize`),
      );
      // kustomize's own words, from its stderr
      for (const p of problems) assert.match(p, /namespace-/);
    });

    it("builds a stack of more units than one group holds, and names an object two groups both hold", async function () {
      this.timeout(120000);
      // given one stack of 45 apps: 46 units, two groups
      const apps = Array.from({ length: 45 }, (_, i) => ({ name: `app-${i}`, image: "example/app:1", port: 8080 }));
      const dir = fixtureProject({ east: { apps } });
      try {
        const { tree, stacks } = await renderProject(dir);
        const report = await buildOverlays(kubectl!, tree, stacks);
        assert.deepStrictEqual([report.problems, report.built], [[], 46]);
        // when the last unit also lists the first app's deny-all, copied into it
        const first = [...tree.keys()].find((p) => /^tenants\/east\/app-0\/authorizationpolicy-/.test(p))!;
        const last = "tenants/east/app-9";
        const name = path.posix.basename(first);
        const k = tree.get(`${last}/kustomization.yaml`)!;
        const doubled = new Map(tree)
          .set(`${last}/${name}`, tree.get(first)!)
          .set(`${last}/kustomization.yaml`, k.replace("resources:\n", `resources:\n  - ${name}\n`));
        // then the two builds are told apart, and the object named
        const problems = (await buildOverlays(kubectl!, doubled, stacks)).problems;
        assert.deepStrictEqual(problems, [
          "east's units hold security.istio.io/v1 AuthorizationPolicy app-0/deny-all more than once",
          `east's units build ${stacks[0].objects.length + 1} objects; the program plans ${stacks[0].objects.length}`,
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("refuses an object that two units of a stack both hold", async () => {
      const { tree, stacks } = await renderProject(SAMPLE);
      // given the accounts unit of cluster-1 also lists finance's deny-all, copied into it
      const finance = [...tree.keys()].find((p) => /^tenants\/cluster-1\/finance\/authorizationpolicy-/.test(p))!;
      const accounts = "tenants/cluster-1/accounts";
      const copy = `${accounts}/${path.posix.basename(finance)}`;
      const k = tree.get(`${accounts}/kustomization.yaml`)!;
      const doubled = new Map(tree)
        .set(copy, tree.get(finance)!)
        .set(
          `${accounts}/kustomization.yaml`,
          k.replace("resources:\n", `resources:\n  - ${path.posix.basename(finance)}\n`),
        );
      const problems = (await buildOverlays(kubectl!, doubled, stacks)).problems;
      // then kustomize refuses the two (each unit alone builds: the duplicate is across units)
      assert.strictEqual(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], /^clusters\/cluster-1, tenants\/cluster-1\/accounts, .* do not build together with /);
      assert.match(problems[0], /already registered id|conflict/i);
    });
  });

  describe("npm run render", () => {
    let dir: string;
    beforeEach(() => (dir = tempProject()));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes nothing and exits 3 when an overlay does not build (a kubectl that fails)", async () => {
      const out = path.join(dir, "out");
      let stderr = "";
      const code = await main(["--out", out], {
        root: dir,
        cwd: dir,
        stderr: (t) => void (stderr += t),
        stdout: () => undefined,
        env: { KUBECTL: "/bin/false" },
      });
      assert.strictEqual(code, 3, stderr);
      assert.match(
        stderr,
        /^render: the plan cannot be rendered, nothing written:\n {2}- clusters\/cluster-1 does not build with \/bin\/false kustomize: exit 1\n/,
      );
      assert.strictEqual(fs.existsSync(out), false);
    });

    it("fails --check too when an overlay does not build, even on an up-to-date tree", async () => {
      fs.cpSync(path.join(SAMPLE, "gitops"), path.join(dir, "gitops"), { recursive: true });
      const code = await main(["--check"], {
        root: dir,
        cwd: dir,
        stderr: () => undefined,
        stdout: () => undefined,
        env: { KUBECTL: "/bin/false" },
      });
      assert.strictEqual(code, 3);
    });

    it("says plainly when there is no kubectl, and still renders the same tree", async () => {
      const out = path.join(dir, "out");
      let stderr = "";
      const code = await main(["--out", out], {
        root: dir,
        cwd: dir,
        stderr: (t) => void (stderr += t),
        stdout: () => undefined,
        env: { PATH: "" },
      });
      assert.strictEqual(code, 0, stderr);
      assert.ok(
        stderr.includes(
          "note: kubectl is not on PATH (nor $KUBECTL): the units were not built; the tree is not proven to build\n",
        ),
        stderr,
      );
      assert.doesNotMatch(stderr, /built with kubectl/);
      assert.deepStrictEqual(snapshot(out), snapshot(path.join(SAMPLE, "gitops")));
    });
  });
});
