import * as assert from "assert";
import { ProcessResult, runProcess } from "./support/spawn";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "../render/cli";
import { stacksLabel } from "../render/cli-messages";
import { UsageError } from "../render/errors";
import { MANIFEST } from "../render/ownership";
import { defaultApps, SAMPLE } from "./support/stacks";
import { fixtureProject, renderCli, sampleCopy, snapshot, tempProject } from "./support/render-project";

const COMMITTED = snapshot(path.join(SAMPLE, "gitops"));
// The files the render writes: the committed tree less its ownership manifest (gitops/.rendered-files).
const RENDERED = [...COMMITTED.keys()].filter((p) => p !== ".rendered-files").length;
const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith(".render-tmp-"));

/** The note a render of the sample prints: its stacks keep the placeholder repository URL. */
const PLACEHOLDER_NOTE =
  "note: stacks cluster-1, cluster-2: their Argo CD or Flux objects would pull from https://github\\.com/example/mesh-lab\\.git, the placeholder default of mesh-lab:gitopsRepoUrl; [^\\n]*\\n";

describe("npm run render", () => {
  let dir: string;
  afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  describe("rendering", () => {
    it("reproduces the committed gitops/ byte for byte on a fresh copy", async () => {
      // given the project's own config and no gitops/ yet
      dir = tempProject();
      // when it renders (every unit built, as on a fresh clone)
      const result = await renderCli(dir);
      // then the tree is exactly the committed one, and no temporary directory is left
      assert.strictEqual(result.code, 0, result.stderr);
      assert.deepStrictEqual([...snapshot(path.join(dir, "gitops")).keys()], [...COMMITTED.keys()]);
      assert.deepStrictEqual(snapshot(path.join(dir, "gitops")), COMMITTED);
      assert.deepStrictEqual(leftovers(dir), []);
      assert.match(
        result.stderr,
        new RegExp(
          `^render: wrote gitops/ for stacks cluster-1, cluster-2: ${RENDERED} files, ${RENDERED} changed, 6 unit\\(s\\) of 2 stack\\(s\\) checked with kubectl kustomize \\(\\d+\\.\\d+s\\)\n$`,
          "m",
        ),
      );
    });

    it("is deterministic: a second render changes nothing", async () => {
      dir = tempProject();
      await renderCli(dir);
      const first = snapshot(path.join(dir, "gitops"));
      const again = await renderCli(dir);
      assert.strictEqual(again.code, 0);
      assert.match(again.stderr, new RegExp(`${RENDERED} files, 0 changed`));
      assert.deepStrictEqual(snapshot(path.join(dir, "gitops")), first);
    });

    it("says what it removed apart from what it wrote: the files it changed never count a removed one", async () => {
      dir = tempProject();
      await renderCli(dir);
      const before = new Set(snapshot(path.join(dir, "gitops")).keys());
      // given cluster-2 moves from Argo CD to Flux: its Argo CD files go, its Flux files come
      fs.appendFileSync(path.join(dir, "Pulumi.cluster-2.yaml"), "  mesh-lab:gitopsEngines: [flux]\n");
      const moved = await renderCli(dir);
      assert.strictEqual(moved.code, 0, moved.stderr);
      const after = new Set(snapshot(path.join(dir, "gitops")).keys());
      const removed = [...before].filter((f) => !after.has(f) && !f.startsWith("."));
      const added = [...after].filter((f) => !before.has(f));
      assert.ok(removed.length > 0 && added.length > 0, `${removed.join(",")} ${added.join(",")}`);
      const m = /: (\d+) files, (\d+) changed, (\d+) removed, /.exec(moved.stderr);
      assert.ok(m, moved.stderr);
      assert.strictEqual(Number(m[3]), removed.length);
      assert.ok(Number(m[2]) >= added.length && Number(m[2]) <= Number(m[1]), moved.stderr);
    });

    it("writes the same tree under --out, relative to the working directory", async () => {
      dir = tempProject();
      const result = await renderCli(dir, "--out", "elsewhere/tree");
      assert.strictEqual(result.code, 0, result.stderr);
      assert.deepStrictEqual(snapshot(path.join(dir, "elsewhere", "tree")), COMMITTED);
      assert.ok(!fs.existsSync(path.join(dir, "gitops")));
    });

    it("points each Argo CD Application at the configured repository", async () => {
      dir = tempProject({ "cluster-2": { gitopsRepoUrl: "git@github.com:acme/mesh.git" } });
      assert.strictEqual((await renderCli(dir)).code, 0);
      const app = fs.readFileSync(path.join(dir, "gitops", "argocd", "cluster-2.yaml"), "utf8");
      assert.match(app, /^ {4}repoURL: git@github.com:acme\/mesh.git$/m);
      assert.match(app, /^ {4}path: gitops\/clusters\/cluster-2$/m);
      assert.match(
        fs.readFileSync(path.join(dir, "gitops", "argocd", "cluster-1.yaml"), "utf8"),
        /repoURL: https:\/\/github.com\/example\/mesh-lab.git/,
      );
    });
  });

  describe("--stack", () => {
    it("writes only what that stack's units use, the same bytes as the full tree", async () => {
      dir = tempProject();
      const result = await renderCli(dir, "--stack", "cluster-1");
      assert.strictEqual(result.code, 0, result.stderr);
      const part = [...COMMITTED].filter(
        ([p]) =>
          !p.startsWith("clusters/cluster-2/") &&
          !p.startsWith("tenants/cluster-2/") &&
          !p.startsWith("argocd/cluster-2.") &&
          p !== MANIFEST,
      );
      const written = snapshot(path.join(dir, "gitops"));
      // The manifest lists what this render owns: cluster-1's part only.
      assert.deepStrictEqual(
        written
          .get(MANIFEST)!
          .split("\n")
          .filter((l) => l && !l.startsWith("#")),
        part.map(([p]) => p),
      );
      written.delete(MANIFEST);
      assert.deepStrictEqual(written, new Map(part));
    });

    it("leaves the other stacks' files as they are", async () => {
      dir = tempProject({}, { gitops: true });
      fs.appendFileSync(path.join(dir, "gitops", "clusters", "cluster-2", "kustomization.yaml"), "# local edit\n");
      assert.strictEqual((await renderCli(dir, "--stack", "cluster-1")).code, 0);
      assert.match(
        fs.readFileSync(path.join(dir, "gitops", "clusters", "cluster-2", "kustomization.yaml"), "utf8"),
        /# local edit\n$/,
      );
    });
  });

  describe("--check", () => {
    it("passes on the committed tree and writes nothing", async () => {
      dir = tempProject({}, { gitops: true });
      const result = await renderCli(dir, "--check");
      assert.strictEqual(result.code, 0, result.stdout + result.stderr);
      assert.strictEqual(result.stdout, "");
      assert.match(
        result.stderr,
        new RegExp(
          // The sample keeps mesh-lab:gitopsRepoUrl's placeholder, which the render notes.
          `^${PLACEHOLDER_NOTE}render --check: gitops/ is up to date \\(${RENDERED} files, stacks cluster-1, cluster-2, 6 unit\\(s\\) of 2 stack\\(s\\) checked with kubectl kustomize, \\d+\\.\\d+s\\)\n$`,
        ),
      );
      assert.deepStrictEqual(snapshot(path.join(dir, "gitops")), COMMITTED);
    });

    it("shows a changed config value as a readable unified diff and exits 1", async () => {
      // given the committed tree, and a stack file where accounts now runs 3 replicas in every cluster
      const apps = JSON.parse(JSON.stringify(defaultApps()));
      apps[0].replicas = 3;
      dir = tempProject({ "cluster-1": { apps }, "cluster-2": { apps } }, { gitops: true });
      // when the tree is checked
      const result = await renderCli(dir, "--check");
      // then the Deployment's file shows the one line that changed, and nothing is written
      assert.strictEqual(result.code, 1);
      assert.strictEqual(
        result.stdout,
        [
          "--- a/gitops/apps/accounts/deployment-accounts.accounts.yaml",
          "+++ b/gitops/apps/accounts/deployment-accounts.accounts.yaml",
          "@@ -12,7 +12,7 @@",
          "     app: accounts",
          "     app.kubernetes.io/part-of: mesh-lab",
          " spec:",
          "-  replicas: 1",
          "+  replicas: 3",
          "   selector:",
          "     matchLabels:",
          "       app: accounts",
          "",
        ].join("\n"),
      );
      assert.match(
        result.stderr,
        /gitops\/ is stale \(checked for stacks cluster-1, cluster-2\): 1 file\(s\) differ:\n {2}apps\/accounts\/deployment-accounts.accounts.yaml\nRun `npm run render` and commit gitops\/.\n/,
      );
      assert.deepStrictEqual(snapshot(path.join(dir, "gitops")), COMMITTED);
    });

    it("shows a value that differs in one cluster as a patch in that cluster's unit", async () => {
      dir = tempProject({ "cluster-2": { waypoints: false } }, { gitops: true });
      const result = await renderCli(dir, "--check");
      assert.strictEqual(result.code, 1);
      assert.match(
        result.stdout,
        /^--- \/dev\/null\n\+\+\+ b\/gitops\/tenants\/cluster-2\/accounts\/patches\/namespace-accounts.yaml\n/m,
      );
      assert.match(result.stdout, /^\+- op: remove\n\+ {2}path: \/metadata\/labels\/istio.io~1use-waypoint$/m);
      assert.match(
        result.stdout,
        /^--- a\/gitops\/tenants\/cluster-2\/accounts\/gateway-accounts.waypoint.yaml\n\+\+\+ \/dev\/null\n/m,
      );
    });

    it("flags a file it owns that is no longer rendered", async () => {
      dir = tempProject({}, { gitops: true });
      fs.writeFileSync(path.join(dir, "gitops", "base", "accounts", "extra.yaml"), "kind: Hand\n");
      fs.appendFileSync(path.join(dir, "gitops", MANIFEST), "base/accounts/extra.yaml\n");
      const result = await renderCli(dir, "--check");
      assert.strictEqual(result.code, 1);
      assert.strictEqual(
        result.stdout,
        "--- a/gitops/base/accounts/extra.yaml\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-kind: Hand\n",
      );
    });

    it("ignores a file it does not own beside the tree, and fails on one inside a directory it writes", async () => {
      dir = tempProject({}, { gitops: true });
      fs.writeFileSync(path.join(dir, "gitops", "NOTES.md"), "mine\n");
      assert.strictEqual((await renderCli(dir, "--check")).code, 0);
      fs.writeFileSync(path.join(dir, "gitops", "base", "accounts", "extra.yaml"), "kind: Hand\n");
      const result = await renderCli(dir, "--check");
      assert.strictEqual(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stderr, /^ {2}gitops\/base\/accounts\/extra\.yaml$/m);
      assert.doesNotMatch(result.stderr, /NOTES/);
    });

    it("with --stack, checks only that stack's part", async () => {
      dir = tempProject({}, { gitops: true });
      fs.rmSync(path.join(dir, "gitops", "clusters", "cluster-2"), { recursive: true });
      assert.strictEqual((await renderCli(dir, "--check", "--stack", "cluster-1")).code, 0);
      assert.strictEqual((await renderCli(dir, "--check", "--stack", "cluster-2")).code, 1);
    });
  });

  describe("bad config or usage: exit 2, nothing written", () => {
    it("names the key, the value and what is allowed", async () => {
      dir = tempProject({
        "cluster-2": { waypoints: "maybe", gitopsRepoUrl: "https://token@github.com/acme/mesh.git" },
      });
      const result = await renderCli(dir);
      assert.strictEqual(result.code, 2);
      assert.strictEqual(
        result.stderr,
        "render: bad config, nothing written:\n" +
          '  - stack "cluster-2": key "mesh-lab:waypoints" is "maybe"; expected true or false\n' +
          '  - stack "cluster-2": key "mesh-lab:gitopsRepoUrl" is "https://***@github.com/acme/mesh.git"; expected an https or ssh Git URL without credentials, query or fragment (https://github.com/org/repo.git, ssh://git@github.com/org/repo.git or git@github.com:org/repo.git)\n',
      );
      assert.ok(!fs.existsSync(path.join(dir, "gitops")));
    });

    it("leaves a committed tree untouched", async () => {
      dir = tempProject({ "cluster-1": { podSecurity: "strict" } }, { gitops: true });
      const result = await renderCli(dir);
      assert.strictEqual(result.code, 2);
      assert.match(result.stderr, /key "mesh-lab:podSecurity" is "strict"; expected one of baseline, restricted/);
      assert.deepStrictEqual(snapshot(path.join(dir, "gitops")), COMMITTED);
    });

    const usage: [string, string[], string][] = [
      ["an unknown flag", ["--stacks", "cluster-1"], "render: Unknown option '--stacks'"],
      ["a flag without its value", ["--stack"], "render: Option '--stack <value>' argument missing"],
      [
        "a flag followed by another flag instead of its value",
        ["--stack", "--check"],
        "render: Option '--stack' argument is ambiguous",
      ],
      ["an empty value", ["--stack="], "render: --stack needs a value"],
      ["a value that reads as a flag, given with =", ["--out=-x"], "render: --out needs a value"],
      [
        "a stack that does not exist",
        ["--stack", "cluster-9"],
        'render: --stack "cluster-9" is not a stack of this project; stacks: cluster-1, cluster-2 (from Pulumi.<stack>.yaml)',
      ],
    ];
    for (const [what, argv, message] of usage) {
      it(`refuses ${what}`, async () => {
        dir = tempProject();
        const before = snapshot(dir);
        const result = await renderCli(dir, ...argv);
        assert.strictEqual(result.code, 2);
        assert.ok(result.stderr.startsWith(message), result.stderr);
        assert.match(result.stderr, /usage: npm run render -- \[--stack NAME\] \[--out DIR\] \[--check\]/);
        assert.deepStrictEqual(snapshot(dir), before);
      });
    }

    it("parses --flag=value and refuses a flag given twice", () => {
      assert.deepStrictEqual(parseArgs(["--stack=cluster-1", "--out", "x", "--check"]), {
        check: true,
        buildCache: true,
        help: false,
        stack: "cluster-1",
        out: "x",
      });
      assert.strictEqual(parseArgs(["--no-build-cache"]).buildCache, false);
      assert.throws(() => parseArgs(["--out", "a", "--out=b"]), new UsageError("--out given twice"));
      assert.throws(() => parseArgs(["--check=yes"]), new UsageError("Option '--check' does not take an argument"));
    });
  });

  describe("secure values", () => {
    it("renders without them, says so, and never prints them", async () => {
      dir = tempProject({ "cluster-2": { kubeconfig: { secure: "v1:c2VjcmV0LWt1YmVjb25maWc=" } } });
      const result = await renderCli(dir);
      assert.strictEqual(result.code, 0, result.stderr);
      assert.match(
        result.stderr,
        /^note: stack cluster-2: "mesh-lab:kubeconfig" is encrypted \(secure:\); the render does not need it, and neither reads nor prints encrypted values$/m,
      );
      assert.deepStrictEqual(snapshot(path.join(dir, "gitops")), COMMITTED);
      const everything = result.stdout + result.stderr + [...snapshot(path.join(dir, "gitops")).values()].join("");
      assert.ok(!everything.includes("c2VjcmV0"));
    });

    it("says it once for the stacks that share the same encrypted keys", async () => {
      const secret = { kubeconfig: { secure: "v1:c2VjcmV0LWt1YmVjb25maWc=" } };
      dir = tempProject({ "cluster-1": secret, "cluster-2": secret });
      const result = await renderCli(dir);
      assert.strictEqual(result.code, 0, result.stderr);
      const notes = result.stderr.split("\n").filter((l) => l.includes("encrypted (secure:)"));
      assert.strictEqual(notes.length, 1, result.stderr);
      assert.match(notes[0], /^note: stacks cluster-1, cluster-2: "mesh-lab:kubeconfig" is encrypted/);
    });

    it("explains a required key that is only set encrypted", async () => {
      dir = tempProject({ "cluster-1": { kubeContext: { secure: "v1:Y29udGV4dA==" }, podSecurity: "strict" } });
      const result = await renderCli(dir);
      assert.strictEqual(result.code, 2);
      assert.match(
        result.stderr,
        /key "mesh-lab:kubeContext" is missing; expected a kubeconfig context name \(non-empty string\) \(it is set, but as a secure: value, which only the Pulumi CLI can decrypt; the render reads no secrets\)/,
      );
      // and only that key's problem says so
      assert.match(result.stderr, /key "mesh-lab:podSecurity" is "strict"; expected one of baseline, restricted\n/);
      assert.ok(!result.stderr.includes("Y29udGV4dA"));
    });
  });

  describe("as a process", () => {
    const npm = (args: string[], cwd: string) =>
      runProcess("npm", ["run", "-s", "render", "--", ...args], { cwd, env: { ...process.env, INIT_CWD: cwd } });
    // A copy of the project whose stacks and tree are the sample's. Both start at once: the suite waits for the
    // slower, not for both.
    let copy: string;
    let check: Promise<ProcessResult>;
    let bogus: Promise<ProcessResult>;
    before(() => {
      copy = sampleCopy();
      check = npm(["--check"], copy);
      bogus = npm(["--bogus"], copy);
    });
    after(async () => {
      await Promise.allSettled([check, bogus]);
      fs.rmSync(copy, { recursive: true, force: true });
    });

    it("npm run render -- --check passes on the sample's committed tree, saying nothing else", async function () {
      this.timeout(120000);
      const result = await check;
      assert.strictEqual(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stderr, /gitops\/ is up to date/);
      // Nothing else: no warning from Node or a package (the sample has no config warning), only the note that it
      // keeps mesh-lab:gitopsRepoUrl's placeholder.
      assert.match(result.stderr, new RegExp(`^${PLACEHOLDER_NOTE}[^\n]*\n$`), result.stderr);
    });

    it("prints each config warning once, naming its stack and key", async () => {
      const dir = fixtureProject({ east: { apps: [{ name: "web", image: "example/web:1", port: 8080 }] } });
      try {
        const r = await renderCli(dir);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stderr, /^warning: stack "east": key "mesh-lab:telemetry\.overrides\[0\]" \(REQUEST_COUNT/m);
        assert.doesNotMatch(r.stderr, /stack "east": stack "east"/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("says a config problem once with every stack that has it, and only the asked stack's warnings with --stack", async () => {
      const app = (port: number) => [{ name: "web", image: "example/web:1", port }];
      const eight = Object.fromEntries(["a", "b", "c", "d", "e", "f", "g", "h"].map((s) => [s, { apps: app(70000) }]));
      const many = fixtureProject(eight);
      const most = fixtureProject({ ...eight, h: { apps: app(8080) } });
      const two = fixtureProject({ east: { apps: app(70000) }, west: { apps: app(70000), waypoints: "on" } });
      const warned = fixtureProject({ east: { apps: app(8080) }, west: { apps: app(8080) } });
      try {
        const port = 'key "mesh-lab:apps[0].port" is 70000; expected';
        const fewer = await renderCli(two);
        assert.strictEqual(fewer.code, 2, fewer.stderr);
        assert.strictEqual(fewer.stderr.split(port).length - 1, 1, fewer.stderr);
        assert.match(fewer.stderr, new RegExp(`^  - stacks "east", "west": ${port.replace(/[[\].]/g, "\\$&")}`, "m"));
        assert.match(fewer.stderr, /^ {2}- stack "west": key "mesh-lab:waypoints" is "on"/m);
        const more = await renderCli(many);
        assert.match(more.stderr, /^ {2}- every stack \(8: "a" \.\.\. "h"\): key "mesh-lab:apps\[0\]\.port" is 70000/m);
        const some = await renderCli(most);
        assert.match(
          some.stderr,
          /^ {2}- stacks "a", "b", "c", "d", "e", "f", "g": key "mesh-lab:apps\[0\]\.port" is 70000/m,
        );
        const east = await renderCli(warned, "--stack", "east");
        assert.strictEqual(east.code, 0, east.stderr);
        assert.match(east.stderr, /^warning: stack "east": /m);
        // Neither its warnings nor a note (the placeholder repository) names the other stack.
        assert.doesNotMatch(east.stderr, /\bwest\b/);
        assert.match(east.stderr, /^note: stack east: their Argo CD or Flux objects would pull from/m);
      } finally {
        for (const d of [many, most, two, warned]) fs.rmSync(d, { recursive: true, force: true });
      }
    });

    it("exits 2 on bad usage", async function () {
      this.timeout(120000);
      const result = await bogus;
      assert.strictEqual(result.status, 2);
      assert.match(result.stderr, /render: Unknown option '--bogus'/);
    });
  });
});

describe("the render's one-line summary of the stacks", () => {
  it("lists up to six stacks by name, and names a fleet by its count, first and last", () => {
    assert.strictEqual(stacksLabel(["cluster-1", "cluster-2"]), "stacks cluster-1, cluster-2");
    const six = ["a", "b", "c", "d", "e", "f"];
    assert.strictEqual(stacksLabel(six), "stacks a, b, c, d, e, f");
    const fleet = Array.from({ length: 200 }, (_, i) => `cluster-${i + 1}`);
    assert.strictEqual(stacksLabel(fleet), "200 stacks (cluster-1 ... cluster-200)");
    assert.strictEqual(stacksLabel([...six, "g"]), "7 stacks (a ... g)");
  });
});
