import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listStacks } from "../config/project-files";
import { planLayout, StackObjects } from "../render/placement";
import { kubeObject } from "../render/kube-object";
import { planStacks } from "../render/load-stacks";
import { buildUnits, kustomizeDir, kustomizeUnits } from "./support/units";
import { buildTree } from "../render/files";
import { writeOwnedTree } from "../render/tree-writer";
import { fingerprint } from "../render/yaml";
import { defaultApps, run, SAMPLE, STACKS, stackSettings } from "./support/stacks";
import { findKubectl } from "./support/kube-api";
import { readTree, renderCli, tempProject } from "./support/render-project";

const { kubectl, why } = findKubectl();

/** The objects `kubectl kustomize` of each of a stack's units in the tree at `gitops` yields, by content, sorted. */
function kustomize(gitops: string, stack: string): string[] {
  return kustomizeUnits(kubectl!, gitops, stack).map(fingerprint).sort();
}

// The committed tree does not change while the tests run: each unit of it is built once, for the three tests.
const committedBuilds = new Map<string, string[]>();
function kustomizeCommitted(stack: string): string[] {
  if (!committedBuilds.has(stack)) committedBuilds.set(stack, kustomize(path.join(SAMPLE, "gitops"), stack));
  return committedBuilds.get(stack)!;
}

/** What the plan holds for each stack of a project, by content, sorted. */
function registered(root: string): Map<string, string[]> {
  const stacks = planStacks(root, listStacks(root));
  return new Map(stacks.map((s) => [s.stack, s.objects.map((o) => fingerprint(o.manifest)).sort()]));
}

describe("the GitOps invariant: kubectl kustomize of a stack's units is exactly what the program registers", function () {
  before(function () {
    if (!kubectl) {
      console.log(`      SKIPPED (kustomize invariant): ${why}`);
      this.skip();
    }
  });

  for (const stack of STACKS) {
    it(`holds for the committed tree, stack ${stack}`, () => {
      const want = registered(SAMPLE).get(stack)!;
      assert.ok(want.length > 0);
      assert.deepStrictEqual(kustomizeCommitted(stack), want);
    });

    it(`holds against what pulumi up registers, stack ${stack}`, async () => {
      // The render reads the plan; pulumi up registers it through the components. Only the opt-in
      // policy-check Jobs (verifyPolicies) are deploy-time extras, left out here.
      const settings = { ...stackSettings(stack), verifyPolicies: false };
      const capture = await run(settings);
      assert.deepStrictEqual(capture.violations, []);
      const deployed = capture.resources
        .filter((r) => r.type.startsWith("kubernetes:") && r.custom)
        .map((r) => fingerprint(r.inputs))
        .sort();
      assert.deepStrictEqual(kustomizeCommitted(stack), deployed);
    });

    it(`agrees with the in-process kustomize model the layout tests use, stack ${stack}`, () => {
      const tree = readTree(path.join(SAMPLE, "gitops"));
      assert.deepStrictEqual(buildUnits(tree, stack).map(fingerprint).sort(), kustomizeCommitted(stack));
    });
  }

  describe("with stacks that differ, so units carry patches and objects of their own", () => {
    let dir: string;
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    it("holds for every stack of the rendered tree", async () => {
      // given cluster-2 without waypoints, more accounts replicas, and a third app only it runs
      const apps = defaultApps();
      const cluster2Apps = [
        { ...apps[0], replicas: 2 },
        apps[1],
        {
          name: "reports",
          image: "hashicorp/http-echo:1.0",
          args: ["-text=reports"],
          port: 8080,
          allowFrom: ["finance"],
        },
      ];
      dir = tempProject({ "cluster-2": { waypoints: false, apps: cluster2Apps } });
      // when it renders
      const result = await renderCli(dir);
      assert.strictEqual(result.code, 0, result.stderr);
      // then the units use patches and their own files, and each stack's build to its stack's objects
      const unit = (stack: string, app: string) =>
        fs.readFileSync(path.join(dir, "gitops", "tenants", stack, app, "kustomization.yaml"), "utf8");
      assert.match(unit("cluster-2", "accounts"), /- path: patches\/namespace-accounts.yaml/);
      assert.match(unit("cluster-2", "accounts"), /- path: patches\/deployment-accounts.accounts.yaml/);
      assert.match(unit("cluster-2", "reports"), /- \.\.\/\.\.\/\.\.\/apps\/reports/);
      assert.ok(!fs.existsSync(path.join(dir, "gitops", "tenants", "cluster-1", "reports")));
      const want = registered(dir);
      for (const stack of STACKS)
        assert.deepStrictEqual(kustomize(path.join(dir, "gitops"), stack), want.get(stack), stack);
    });
  });

  it("the README's unit-by-unit apply loop names only units that build to something (apply -k refuses an empty one)", () => {
    const readme = fs.readFileSync(path.join(SAMPLE, "gitops", "README.md"), "utf8");
    const loop = /^for unit in (.+); do$/m.exec(readme);
    assert.ok(loop, "the README has no apply loop");
    const units = loop[1]
      .split(" ")
      .flatMap((w) =>
        w.endsWith("/*")
          ? fs.readdirSync(path.join(SAMPLE, w.slice(0, -2))).map((d) => path.join(w.slice(0, -2), d))
          : [w],
      );
    assert.deepStrictEqual(
      units.filter((u) => kustomizeDir(kubectl!, path.join(SAMPLE, u)).length === 0),
      [],
    );
    assert.ok(units.length >= 2);
  });

  it("matches patch targets literally, even for names with dots", () => {
    // given a config map whose name has dots, and a look-alike the target must not also match
    const cm = (name: string, data: Record<string, string>) =>
      kubeObject({
        manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "accounts" }, data } as never,
        app: "accounts",
        layer: "base",
      });
    const stacks: StackObjects[] = [
      { stack: "a", objects: [cm("a.b.c", { v: "1" }), cm("aXbXc", { v: "1" })] },
      { stack: "b", objects: [cm("a.b.c", { v: "2" }), cm("aXbXc", { v: "1" })] },
    ];
    const tree = buildTree(planLayout(stacks), { argocd: new Map(), readme: "r\n" });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-kustomize-"));
    try {
      writeOwnedTree(path.join(dir, "t"), tree, "t");
      for (const s of stacks)
        assert.deepStrictEqual(
          kustomize(path.join(dir, "t"), s.stack),
          s.objects.map((o) => fingerprint(o.manifest)).sort(),
        );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
