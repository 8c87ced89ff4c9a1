import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildCache } from "../render/build-cache";
import { main } from "../render/cli";
import { findKubectl } from "../render/kubectl";
import { buildOverlays } from "../render/kustomize-build";
import { renderProject } from "../render/pipeline";
import { readTree, sampleCopy, tempProject } from "./support/render-project";
import { runProcess } from "./support/spawn";

// An overlay whose files and kubectl are unchanged is not built again; its kept output is checked instead.
const tree = (over: Record<string, string> = {}) =>
  new Map(
    Object.entries({
      "apps/a/kustomization.yaml": "resources: [deployment.yaml]\n",
      "apps/a/deployment.yaml": "kind: Deployment\n",
      "apps/b/kustomization.yaml": "resources: []\n",
      "clusters/one/kustomization.yaml": "resources: []\n",
      "tenants/one/a/kustomization.yaml": "resources: [../../../apps/a, policy.yaml]\n",
      "tenants/one/a/policy.yaml": "kind: AuthorizationPolicy\n",
      "tenants/one/b/kustomization.yaml": "resources: [../../../apps/b]\n",
      "tenants/two/a/kustomization.yaml": "resources: [../../../apps/a]\n",
      ...over,
    }).sort(([a], [b]) => (a < b ? -1 : 1)),
  );

describe("render: the unit build cache", () => {
  describe("its key", () => {
    // Any existing file stands for the kubectl binary: the key reads only its path, size and modification time.
    const kubectl = process.execPath;
    const UNITS = ["clusters/one", "tenants/one/a", "tenants/one/b", "tenants/two/a"];
    const keys = (t: Map<string, string>) => {
      const c = new BuildCache("/nonexistent", kubectl, t);
      return Object.fromEntries(UNITS.map((u) => [u, c.key(u)]));
    };
    const changed = (t: Map<string, string>) => {
      const [before, after] = [keys(tree()), keys(t)];
      return UNITS.filter((u) => before[u] !== after[u]);
    };

    it("changes for the units that include a shared directory whose files change, and for no other", () => {
      assert.deepStrictEqual(changed(tree({ "apps/a/deployment.yaml": "kind: Deployment\nx: 1\n" })), [
        "tenants/one/a",
        "tenants/two/a",
      ]);
      assert.deepStrictEqual(changed(tree({ "apps/b/extra.yaml": "x: 1\n" })), ["tenants/one/b"]);
    });

    it("changes for one unit only when its own files change, or a file is added to it", () => {
      assert.deepStrictEqual(changed(tree({ "tenants/one/a/policy.yaml": "kind: AuthorizationPolicy\nx: 1\n" })), [
        "tenants/one/a",
      ]);
      assert.deepStrictEqual(changed(tree({ "tenants/one/a/patches/p.yaml": "[]\n" })), ["tenants/one/a"]);
      assert.deepStrictEqual(changed(tree({ "clusters/one/kustomization.yaml": "resources: [x.yaml]\n" })), [
        "clusters/one",
      ]);
      // a unit that starts to include another directory reads its files too
      assert.deepStrictEqual(
        changed(tree({ "tenants/one/b/kustomization.yaml": "resources: [../../../apps/b, ../../../apps/a]\n" })),
        ["tenants/one/b"],
      );
    });

    it("is the same for units of two stacks that read the same files from the same places, header comments aside", () => {
      const twins = (over: Record<string, string>) => {
        const c = new BuildCache(
          "/nonexistent",
          kubectl,
          tree({
            "tenants/two/a/kustomization.yaml": "resources: [../../../apps/a, policy.yaml]\n",
            "tenants/two/a/policy.yaml": "kind: AuthorizationPolicy\n",
            ...over,
          }),
        );
        return c.key("tenants/one/a") === c.key("tenants/two/a");
      };
      assert.strictEqual(twins({}), true);
      // the render's header names the stack; kustomize reads the kustomization as data
      assert.strictEqual(
        twins({ "tenants/two/a/kustomization.yaml": "# stack two\n\n#\nresources: [../../../apps/a, policy.yaml]\n" }),
        true,
      );
      // a comment after the start, and every comment in a file kustomize builds objects from, counts
      assert.strictEqual(
        twins({ "tenants/two/a/kustomization.yaml": "resources: [../../../apps/a, policy.yaml]\n# two\n" }),
        false,
      );
      assert.strictEqual(twins({ "tenants/two/a/policy.yaml": "# two\nkind: AuthorizationPolicy\n" }), false);
      assert.strictEqual(twins({ "tenants/two/a/policy.yaml": "kind: AuthorizationPolicy\nx: 1\n" }), false);
      // the same bytes in another place are another input: here the second unit names a file it does not have,
      // and its build fails where the first's passes
      const misplaced = new Map([
        ["apps/a/kustomization.yaml", "resources: []\n"],
        ["tenants/one/a/kustomization.yaml", "resources: [../../../apps/a, p/policy.yaml]\n"],
        ["tenants/one/a/p/policy.yaml", "kind: AuthorizationPolicy\n"],
        ["tenants/two/a/kustomization.yaml", "resources: [../../../apps/a, p/policy.yaml]\n"],
        ["tenants/two/a/q/policy.yaml", "kind: AuthorizationPolicy\n"],
      ]);
      const c = new BuildCache("/nonexistent", kubectl, misplaced);
      assert.notStrictEqual(c.key("tenants/one/a"), c.key("tenants/two/a"));
    });

    it("changes with the kubectl binary", () => {
      const t = tree();
      const other = path.join(os.tmpdir(), `mesh-lab-fake-kubectl-${process.pid}`);
      fs.writeFileSync(other, "#!/bin/sh\n");
      try {
        assert.notStrictEqual(
          new BuildCache("/nonexistent", other, t).key("tenants/one/a"),
          new BuildCache("/nonexistent", kubectl, t).key("tenants/one/a"),
        );
      } finally {
        fs.rmSync(other, { force: true });
      }
    });

    it("keeps one file per stack, each unit's latest build in it; a file that does not read as builds is a miss", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-cache-"));
      try {
        const c = new BuildCache(dir, kubectl, tree());
        c.write("one", new Map([["tenants/one/a", { key: "k1", docs: [{ a: 1 }] }]]));
        c.write("two", new Map([["tenants/two/a", { key: "k9", docs: [] }]]));
        assert.deepStrictEqual(c.read("one"), new Map([["tenants/one/a", { key: "k1", docs: [{ a: 1 }] }]]));
        c.write("one", new Map([["tenants/one/a", { key: "k2", docs: [{ a: 2 }] }]]));
        assert.deepStrictEqual(c.read("one").get("tenants/one/a"), { key: "k2", docs: [{ a: 2 }] });
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["one.json", "two.json"]);
        assert.deepStrictEqual(c.read("three"), new Map());
        const bad = [
          ...["{", "[]", "1", "null", '[{"key":"k","docs":[]}]', '{"u":1}', '{"u":null}'],
          ...['{"u":{"key":1,"docs":[]}}', '{"u":{"key":"k","docs":[1]}}', '{"u":{"key":"k","docs":[null]}}'],
          '{"u":{"key":"k","docs":[[]]}}',
        ];
        for (const text of bad) {
          fs.writeFileSync(path.join(dir, "one.json"), text);
          assert.deepStrictEqual(c.read("one"), new Map(), text);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("reads each file a unit's build reads once, also when kustomizations include each other", () => {
      const loop = tree({
        "apps/a/kustomization.yaml": "resources: [deployment.yaml, ../b]\n",
        "apps/b/kustomization.yaml": "resources: [../a]\n",
      });
      const read = new BuildCache("/nonexistent", kubectl, loop).filesRead("tenants/one/a").map(([rel]) => rel);
      assert.deepStrictEqual(read.sort(), [
        "apps/a/deployment.yaml",
        "apps/a/kustomization.yaml",
        "apps/b/kustomization.yaml",
        "tenants/one/a/kustomization.yaml",
        "tenants/one/a/policy.yaml",
      ]);
    });
  });

  describe("npm run render with the real kubectl kustomize", function () {
    const kubectl = findKubectl();
    let dir: string;
    let log: string;
    let counting: string;
    before(function () {
      if (!kubectl) {
        console.log(
          "      SKIPPED (build cache): no kubectl on PATH or in $KUBECTL; install kubectl (it includes kustomize)",
        );
        this.skip();
      }
    });
    beforeEach(() => {
      dir = tempProject();
      // The real kubectl, behind a script that counts its runs.
      log = path.join(dir, "kubectl-runs");
      counting = path.join(dir, "kubectl");
      fs.writeFileSync(counting, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${kubectl}' "$@"\n`, { mode: 0o755 });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const runs = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0);
    /** The render CLI on the project with `kubectl` (the counting one by default) and the project's cache. */
    async function renderWith(
      kubectl: string,
      ...argv: string[]
    ): Promise<{ code: number; stderr: string; stdout: string }> {
      let stderr = "";
      let stdout = "";
      const code = await main(argv, {
        root: dir,
        cwd: dir,
        stderr: (t) => void (stderr += t),
        stdout: (t) => void (stdout += t),
        env: { KUBECTL: kubectl },
        buildCacheDir: path.join(dir, "cache"),
      });
      return { code, stderr, stdout };
    }
    const render = (...argv: string[]) => renderWith(counting, ...argv);

    /** A counted kubectl that renames the object `name` in what it builds for cluster-1 only (its group directory
     * names the stack), as a bug in one stack's build would. */
    function renamingForCluster1(name: string): string {
      const file = path.join(dir, "kubectl-renaming");
      fs.writeFileSync(
        file,
        `#!/bin/sh\necho "$*" >> '${log}'\nout=$('${kubectl}' "$@") || exit $?\ncase "$*" in */check/cluster-1/*) printf '%s\\n' "$out" | sed 's/^  name: ${name}$/  name: ${name}-renamed/' ;; *) printf '%s\\n' "$out" ;; esac\n`,
        { mode: 0o755 },
      );
      return file;
    }

    it("builds units the same in two stacks once; a re-render and a --check of the same tree run no kubectl", async () => {
      // The sample's two stacks run the same apps with the same policies: cluster-2's units read what cluster-1's do.
      const first = await render();
      assert.strictEqual(first.code, 0, first.stderr);
      assert.strictEqual(runs(), 1);
      assert.match(
        first.stderr,
        /6 unit\(s\) of 2 stack\(s\) checked with kubectl kustomize \(3 built; 3 the same as another stack's unit, built once\)/,
      );
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, "cache")).sort(), ["cluster-1.json", "cluster-2.json"]);
      const again = await render("--check");
      assert.strictEqual(again.code, 0, again.stderr);
      assert.strictEqual(runs(), 1);
      assert.match(
        again.stderr,
        /6 unit\(s\) of 2 stack\(s\) checked with kubectl kustomize \(0 built; 6 from the build cache\)/,
      );
    });

    it("keeps no build that differs from the plan: the next render builds it again", async () => {
      // A kubectl whose output is wrong (names changed), as a bug in reading it would be: nothing of it may be kept.
      const tampering = path.join(dir, "kubectl-tampering");
      fs.writeFileSync(
        tampering,
        `#!/bin/sh\necho "$*" >> '${log}'\nout=$('${kubectl}' "$@") || exit $?\nprintf '%s\\n' "$out" | sed 's/^  name: accounts$/  name: accounts-tampered/'\n`,
        { mode: 0o755 },
      );
      const run = async () => {
        let stderr = "";
        const code = await main([], {
          root: dir,
          cwd: dir,
          stderr: (t) => void (stderr += t),
          stdout: () => {},
          env: { KUBECTL: tampering },
          buildCacheDir: path.join(dir, "cache"),
        });
        return { code, stderr };
      };
      const first = await run();
      assert.strictEqual(first.code, 3, first.stderr);
      assert.match(first.stderr, /tenants\/cluster-1\/accounts lacks .* as the program plans it/);
      assert.deepStrictEqual(
        fs.existsSync(path.join(dir, "cache"))
          ? fs.readdirSync(path.join(dir, "cache"), { recursive: true }).filter((f) => String(f).endsWith(".json"))
          : [],
        [],
      );
      assert.strictEqual((await run()).code, 3);
      assert.strictEqual(runs(), 4);
    });

    it("rebuilds only the unit that changed", async () => {
      assert.strictEqual((await render()).code, 0);
      const file = path.join(dir, "Pulumi.cluster-2.yaml");
      // The trust domain is in the principals of accounts' allow policies in cluster-2, in that one unit; finance's
      // deny-all names no principal.
      fs.appendFileSync(file, "  mesh-lab:trustDomain: cluster-2.example\n");
      const second = await render();
      assert.strictEqual(second.code, 0, second.stderr);
      assert.strictEqual(runs(), 2);
      assert.match(fs.readFileSync(log, "utf8").split("\n").filter(Boolean)[1], /\/check\/cluster-2\/\d+$/);
      assert.match(
        second.stderr,
        /6 unit\(s\) of 2 stack\(s\) checked with kubectl kustomize \(1 built; 5 from the build cache\)/,
      );
      // and what it built is kept for that unit alone, beside the others' kept builds
      assert.strictEqual((await render("--check")).code, 0);
      assert.strictEqual(runs(), 2);
    });

    it("shares only what kustomize itself prints the same: two units of one key build to the same bytes", async () => {
      assert.strictEqual((await render()).code, 0);
      const gitops = path.join(dir, "gitops");
      const tree = readTree(gitops);
      const c = new BuildCache("/nonexistent", kubectl!, tree);
      const units = [...tree.keys()]
        .filter((f) => /^tenants\/cluster-1\/[^/]+\/kustomization\.yaml$/.test(f))
        .map((f) => path.posix.dirname(f));
      assert.ok(units.length > 0);
      for (const one of units) {
        const two = one.replace("/cluster-1/", "/cluster-2/");
        assert.strictEqual(c.key(one), c.key(two), one);
        const build = (u: string) => execFileSync(kubectl!, ["kustomize", path.join(gitops, u)], { encoding: "utf8" });
        assert.strictEqual(build(two), build(one), one);
      }
    });

    it("takes a kept build of another stack's unit for a new stack whose unit reads the same files", async () => {
      assert.strictEqual((await render()).code, 0);
      assert.strictEqual(runs(), 1);
      // given a third stack, a copy of cluster-2 but for its cluster's own names
      const three = fs
        .readFileSync(path.join(dir, "Pulumi.cluster-2.yaml"), "utf8")
        .replace(/cluster-2/g, "cluster-3")
        .replace(/network2/g, "network3");
      fs.writeFileSync(path.join(dir, "Pulumi.cluster-3.yaml"), three);
      const r = await render();
      // then its units come from the kept builds of the others: no kubectl runs
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /9 unit\(s\) of 3 stack\(s\) checked with kubectl kustomize \(0 built; 9 from the build cache\)/,
      );
      assert.strictEqual(runs(), 1);
    });

    it("builds a unit on its own when the stack whose identical unit was built does not match its plan", async () => {
      // given a kubectl whose builds for cluster-1 rename accounts
      const renaming = renamingForCluster1("accounts");
      const { code, stderr } = await renderWith(renaming);
      // then cluster-1's problem is reported, and cluster-2's units, built on their own, match its plan
      assert.strictEqual(code, 3, stderr);
      assert.match(stderr, /tenants\/cluster-1\/accounts lacks .* as the program plans it/);
      assert.doesNotMatch(stderr, /cluster-2/);
      assert.deepStrictEqual(
        fs
          .readFileSync(log, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => l.replace(/.*\/check\/([^/]+)\/\d+$/, "$1")),
        ["cluster-1", "cluster-2"],
      );
      // and what cluster-2 built is kept, so the next render builds cluster-1's units only
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, "cache")), ["cluster-2.json"]);
      // and the report counts cluster-2's units as built, none as shared
      const { tree, stacks } = await renderProject(dir);
      const report = await buildOverlays(renaming, tree, stacks, path.join(dir, "cache-2"));
      assert.deepStrictEqual([report.built, report.shared, report.cached], [6, 0, 0]);
    });

    it("still checks a cached build against the plan: a kept output that differs fails its stack's render", async () => {
      assert.strictEqual((await render()).code, 0);
      const tamper = (stack: string) => {
        const entry = path.join(dir, "cache", `${stack}.json`);
        fs.writeFileSync(
          entry,
          fs.readFileSync(entry, "utf8").replace('"name":"accounts"', '"name":"accounts-tampered"'),
        );
      };
      // Each stack reads its own file first: an entry changed in one stack's file fails that stack, and only it.
      for (const stack of ["cluster-2", "cluster-1"]) {
        tamper(stack);
        const r = await render("--check");
        assert.strictEqual(r.code, 3, r.stderr);
        const lacking = [...r.stderr.matchAll(/tenants\/(\S+)\/accounts lacks .* as the program plans it/g)];
        assert.deepStrictEqual([...new Set(lacking.map((m) => m[1]))], [stack]);
        fs.rmSync(path.join(dir, "cache"), { recursive: true });
        assert.strictEqual((await render()).code, 0);
      }
      assert.strictEqual(runs(), 3);
    });

    it("leaves no scratch tree in the temporary directory, whether the render passes, fails or builds orphans", async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-tmpdir-"));
      const before = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      try {
        assert.strictEqual((await render()).code, 0);
        // cluster-2's accounts unit differs; its finance unit is cluster-1's, whose build this kubectl renames for
        // cluster-1 alone: cluster-1 fails, and cluster-2's finance unit is built on its own after all
        fs.appendFileSync(path.join(dir, "Pulumi.cluster-2.yaml"), "  mesh-lab:trustDomain: cluster-2.example\n");
        fs.rmSync(path.join(dir, "cache"), { recursive: true });
        const { code, stderr } = await renderWith(renamingForCluster1("finance"));
        assert.strictEqual(code, 3, stderr);
        assert.match(stderr, /tenants\/cluster-1\/finance lacks/);
        assert.doesNotMatch(stderr, /cluster-2\/finance/);
        assert.deepStrictEqual(fs.readdirSync(tmp), []);
      } finally {
        if (before === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = before;
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    it("npm run render (as a process) builds a unit the same on two clusters once, and one that differs per cluster", async function () {
      this.timeout(120000);
      const project = sampleCopy();
      try {
        const npm = (...argv: string[]) =>
          runProcess("npm", ["run", "-s", "render", ...argv], {
            cwd: project,
            env: { ...process.env, INIT_CWD: project, KUBECTL: counting },
          });
        const first = await npm("--", "--no-build-cache");
        assert.strictEqual(first.status, 0, first.stderr);
        assert.strictEqual(runs(), 2);
        assert.doesNotMatch(first.stderr, /built once/);
        // given cluster-2 runs accounts with 3 replicas: its accounts unit patches the Deployment
        fs.appendFileSync(
          path.join(project, "Pulumi.cluster-2.yaml"),
          "  mesh-lab:appOverrides:\n    accounts:\n      replicas: 3\n",
        );
        const second = await npm();
        assert.strictEqual(second.status, 0, second.stderr);
        assert.match(
          second.stderr,
          /6 unit\(s\) of 2 stack\(s\) checked with kubectl kustomize \(4 built; 2 the same as another stack's unit, built once\)/,
        );
        assert.strictEqual(runs(), 4);
        const patched = fs.readFileSync(
          path.join(project, "gitops/tenants/cluster-2/accounts/kustomization.yaml"),
          "utf8",
        );
        assert.match(patched, /patches:/);
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    });

    it("--no-build-cache builds every unit and leaves the cache as it was", async () => {
      assert.strictEqual((await render()).code, 0);
      const before = fs.readdirSync(path.join(dir, "cache"), { recursive: true }).sort();
      const r = await render("--check", "--no-build-cache");
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(runs(), 3);
      assert.doesNotMatch(r.stderr, /from the build cache|built once/);
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, "cache"), { recursive: true }).sort(), before);
    });
  });
});
