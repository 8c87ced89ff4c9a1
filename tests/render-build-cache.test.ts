import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BuildCache } from "../render/build-cache";
import { main } from "../render/cli";
import { findKubectl } from "../render/kustomize-build";
import { tempProject } from "./support/render-project";

// An overlay whose files and kubectl are unchanged is not built again; its kept output is checked instead.
const tree = (over: Record<string, string> = {}) =>
  new Map(
    Object.entries({
      "base/kustomization.yaml": "resources: []\n",
      "apps/a/kustomization.yaml": "resources: []\n",
      "clusters/one/kustomization.yaml": "resources: [../../base]\n",
      "clusters/two/kustomization.yaml": "resources: [../../base, ../../apps/a]\n",
      ...over,
    }).sort(([a], [b]) => (a < b ? -1 : 1)),
  );

describe("render: the overlay build cache", () => {
  describe("its key", () => {
    // Any existing file stands for the kubectl binary: the key reads only its path, size and modification time.
    const kubectl = process.execPath;
    const keys = (t: Map<string, string>) => {
      const c = new BuildCache("/nonexistent", kubectl, t);
      return { one: c.key("one"), two: c.key("two") };
    };

    it("changes for every stack when a file outside clusters/ and tenants/ changes", () => {
      const before = keys(tree());
      const after = keys(tree({ "apps/a/kustomization.yaml": "resources: [x.yaml]\n" }));
      assert.notStrictEqual(after.one, before.one);
      assert.notStrictEqual(after.two, before.two);
    });

    it("changes for one stack only when its units' files change, or a file or unit is added to them", () => {
      const before = keys(tree());
      for (const after of [
        keys(tree({ "clusters/two/kustomization.yaml": "resources: [../../base]\n" })),
        keys(tree({ "clusters/two/extra.yaml": "x: 1\n" })),
        keys(tree({ "tenants/two/a/kustomization.yaml": "resources: [../../../apps/a]\n" })),
      ]) {
        assert.strictEqual(after.one, before.one);
        assert.notStrictEqual(after.two, before.two);
      }
    });

    it("changes with the kubectl binary", () => {
      const t = tree();
      const other = path.join(os.tmpdir(), `mesh-lab-fake-kubectl-${process.pid}`);
      fs.writeFileSync(other, "#!/bin/sh\n");
      try {
        assert.notStrictEqual(
          new BuildCache("/nonexistent", other, t).key("one"),
          new BuildCache("/nonexistent", kubectl, t).key("one"),
        );
      } finally {
        fs.rmSync(other, { force: true });
      }
    });

    it("keeps one entry per stack: a new key's output replaces the old one", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-cache-"));
      try {
        const c = new BuildCache(dir, kubectl, tree());
        c.put("one", "k1", [{ a: 1 }]);
        assert.deepStrictEqual(c.get("one", "k1"), [{ a: 1 }]);
        c.put("one", "k2", [{ a: 2 }]);
        assert.strictEqual(c.get("one", "k1"), undefined);
        assert.deepStrictEqual(c.get("one", "k2"), [{ a: 2 }]);
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "one")), ["k2.json"]);
        // An entry that is not a list of documents is a miss: the overlay is built again.
        for (const bad of ["{", "[1]", '{"a":1}', "[null]", "[[]]", '[{"a":1},1]']) {
          fs.writeFileSync(path.join(dir, "one", "k2.json"), bad);
          assert.strictEqual(c.get("one", "k2"), undefined, bad);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("with more than one entry per stack", () => {
    const kubectl = process.execPath;
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-cache-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const age = (key: string, secondsAgo: number) => {
      const at = new Date(Date.now() - secondsAgo * 1000);
      fs.utimesSync(path.join(dir, "one", `${key}.json`), at, at);
    };

    it("keeps the most recently stored or read ones: a read entry outlives an older unread one", () => {
      const c = new BuildCache(dir, kubectl, tree(), 2);
      c.put("one", "k1", [{ a: 1 }]);
      age("k1", 100);
      c.put("one", "k2", [{ a: 2 }]);
      age("k2", 50);
      assert.deepStrictEqual(c.get("one", "k1"), [{ a: 1 }]);
      c.put("one", "k3", [{ a: 3 }]);
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, "one")).sort(), ["k1.json", "k3.json"]);
      assert.strictEqual(c.get("one", "k2"), undefined);
    });

    it("keeps each stack's entries apart", () => {
      const c = new BuildCache(dir, kubectl, tree(), 2);
      for (const key of ["k1", "k2", "k3"]) c.put("one", key, [{ key }]);
      c.put("two", "k9", [{ a: 9 }]);
      assert.strictEqual(fs.readdirSync(path.join(dir, "one")).length, 2);
      assert.deepStrictEqual(c.get("two", "k9"), [{ a: 9 }]);
    });

    it("refuses a count below one, naming it", () => {
      for (const bad of [0, -1, 1.5, NaN])
        assert.throws(
          () => new BuildCache(dir, kubectl, tree(), bad),
          new RegExp(`entriesPerStack is ${bad}; expected an integer >= 1`),
        );
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
    async function render(...argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
      let stderr = "";
      let stdout = "";
      const code = await main(argv, {
        root: dir,
        cwd: dir,
        stderr: (t) => void (stderr += t),
        stdout: (t) => void (stdout += t),
        env: { KUBECTL: counting },
        buildCacheDir: path.join(dir, "cache"),
      });
      return { code, stderr, stdout };
    }

    it("builds each stack's units once; a re-render and a --check of the same tree run no kubectl", async () => {
      const first = await render();
      assert.strictEqual(first.code, 0, first.stderr);
      assert.strictEqual(runs(), 2);
      const again = await render("--check");
      assert.strictEqual(again.code, 0, again.stderr);
      assert.strictEqual(runs(), 2);
      assert.match(
        again.stderr,
        /2 stack\(s\)' units built with kubectl kustomize \(2 unchanged, from the build cache\)/,
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

    it("rebuilds only the units of the stack that changed", async () => {
      assert.strictEqual((await render()).code, 0);
      const file = path.join(dir, "Pulumi.cluster-2.yaml");
      // The trust domain is in the principals of cluster-2's AuthorizationPolicies, which live in its units only.
      fs.appendFileSync(file, "  mesh-lab:trustDomain: cluster-2.example\n");
      const second = await render();
      assert.strictEqual(second.code, 0, second.stderr);
      assert.strictEqual(runs(), 3);
      assert.match(fs.readFileSync(log, "utf8").split("\n").filter(Boolean)[2], /\/check\/cluster-2\/\d+$/);
    });

    it("still checks a cached build against the plan: a kept output that differs fails the render", async () => {
      assert.strictEqual((await render()).code, 0);
      const entries = fs.readdirSync(path.join(dir, "cache", "cluster-1"));
      assert.strictEqual(entries.length, 1);
      const entry = path.join(dir, "cache", "cluster-1", entries[0]);
      fs.writeFileSync(
        entry,
        fs.readFileSync(entry, "utf8").replace('"name":"accounts"', '"name":"accounts-tampered"'),
      );
      const r = await render("--check");
      assert.strictEqual(r.code, 3, r.stderr);
      assert.match(r.stderr, /tenants\/cluster-1\/accounts lacks .* as the program plans it/);
      assert.strictEqual(runs(), 2);
    });

    it("--no-build-cache builds every unit and leaves the cache as it was", async () => {
      assert.strictEqual((await render()).code, 0);
      const before = fs.readdirSync(path.join(dir, "cache"), { recursive: true }).sort();
      const r = await render("--check", "--no-build-cache");
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(runs(), 4);
      assert.doesNotMatch(r.stderr, /from the build cache/);
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, "cache"), { recursive: true }).sort(), before);
    });
  });
});
