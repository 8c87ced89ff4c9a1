import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../render/cli";
import { renderCli, snapshot, tempProject } from "./support/render-project";

// Careless input to the render: an --out that would mix the tree with something else, two files for one stack, a
// kube context that is shell syntax, a file added by hand to the tree.
describe("render: careless input", function () {
  this.timeout(60000);
  let project: string;
  beforeEach(() => (project = tempProject({}, { gitops: true })));
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  describe("--out refuses, with exit 2 and nothing written,", () => {
    const refused = async (out: string, why: RegExp, cwd = project) => {
      const before = snapshot(project);
      let stdout = "";
      let stderr = "";
      const code = await main(["--out", out], {
        root: project,
        cwd,
        env: { ...process.env, HOME: path.join(project, "home") },
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
      });
      assert.strictEqual(code, 2, stderr);
      assert.match(stderr, /refusing/);
      assert.match(stderr, why);
      assert.strictEqual(stdout, "");
      assert.deepStrictEqual(snapshot(project), before);
    };

    it("the file system's root, a system directory and anything inside one", async () => {
      await refused("/", /--out \/ is the file system's root; refusing to write a tree there/);
      await refused("/etc", /--out \/etc is a system directory/);
      await refused("/usr/local/share/mesh", /--out \/usr\/local\/share\/mesh is inside the system directory \/usr/);
      await refused("/srv", /is \/srv, a directory shared by others/);
    });

    it("a system directory reached through a symlink, as where the tree would really land", async () => {
      const links = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-links-"));
      try {
        fs.symlinkSync("/sys", path.join(links, "sys"));
        fs.symlinkSync("/", path.join(links, "root"));
        const label = (p: string) => path.join(links, p).replace(/[/.]/g, "\\$&");
        await refused(
          path.join(links, "sys", "mesh"),
          new RegExp(`--out ${label("sys/mesh")} is inside the system directory /sys`),
        );
        // The link itself: named for what it is, not only for what lies above the project.
        await refused(path.join(links, "sys"), new RegExp(`--out ${label("sys")} is a system directory`));
        await refused(path.join(links, "root"), new RegExp(`--out ${label("root")} is the file system's root`));
      } finally {
        fs.rmSync(links, { recursive: true, force: true });
      }
    });

    it("the home directory", async () => {
      fs.mkdirSync(path.join(project, "home"));
      await refused(path.join(project, "home"), /is the home directory/);
    });

    it("the project, a directory above it, and a directory above the current one", async () => {
      await refused(".", /is the project directory/);
      await refused("..", /is a directory above the project/);
      const deep = path.join(project, "a", "b");
      fs.mkdirSync(deep, { recursive: true });
      await refused(path.join(project, "a"), /is a directory above the current one/, deep);
    });

    it("a directory inside an existing rendered tree, also through a symlink", async () => {
      await refused("gitops/clusters", /is inside the rendered tree .*gitops; refusing/);
      await refused("gitops/new/deeper", /is inside the rendered tree/);
      fs.symlinkSync(path.join(project, "gitops", "base"), path.join(project, "link"));
      await refused("link/sub", /is inside the rendered tree/);
    });

    it("and accepts a new directory of the current one", async () => {
      const r = await renderCli(project, "--out", "elsewhere");
      assert.strictEqual(r.code, 0, r.stderr);
      assert.ok(fs.existsSync(path.join(project, "elsewhere", "README.md")));
    });
  });

  it("refuses two stack files for one stack, naming both, before anything is written", async () => {
    fs.copyFileSync(path.join(project, "Pulumi.cluster-1.yaml"), path.join(project, "Pulumi.cluster-1.yml"));
    const before = snapshot(project);
    const r = await renderCli(project);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /stack "cluster-1" has two stack files, Pulumi\.cluster-1\.yaml and Pulumi\.cluster-1\.yml; keep one \(refusing to guess which one counts\)/,
    );
    assert.deepStrictEqual(snapshot(project), before);
  });

  it("refuses a project with no stack file (the sample's removed, none added yet), naming where it looked", async () => {
    for (const f of fs.readdirSync(project)) if (/^Pulumi\..+\.ya?ml$/.test(f)) fs.rmSync(path.join(project, f));
    fs.rmSync(path.join(project, "gitops"), { recursive: true });
    const before = snapshot(project);
    const r = await renderCli(project);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.ok(
      r.stderr.includes(`no stack file (Pulumi.<stack>.yaml) beside ${project}/Pulumi.yaml`),
      `stderr: ${r.stderr}`,
    );
    assert.deepStrictEqual(snapshot(project), before);
  });

  it("quotes a kube context in the README's commands, so a copy-paste runs nothing but kubectl", async function () {
    const marker = path.join(project, "pwned");
    const context = `$(touch ${marker})'x`;
    const dir = tempProject({ "cluster-1": { kubeContext: context } });
    try {
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      const readme = fs.readFileSync(path.join(dir, "gitops", "README.md"), "utf8");
      // Each shell block that passes the context (the install command, the unit-by-unit apply loop), pasted into a
      // shell with a kubectl that prints its arguments, one call per CALL line.
      const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)]
        .map((m) => m[1])
        .filter((b) => b.includes("--context"));
      assert.ok(blocks.length >= 2, readme);
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-kubectl-"));
      fs.writeFileSync(path.join(bin, "kubectl"), '#!/bin/sh\necho CALL\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
      for (const block of blocks) {
        const run = spawnSync("sh", ["-c", block], {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        });
        assert.strictEqual(run.status, 0, run.stderr);
        const calls = run.stdout.split("CALL\n").slice(1);
        assert.ok(calls.length > 0, block);
        for (const call of calls.filter((c) => c.includes("--context")))
          assert.deepStrictEqual(call.split("\n").slice(0, 2), ["--context", context], block);
      }
      fs.rmSync(bin, { recursive: true, force: true });
      assert.ok(!fs.existsSync(marker), "a pasted command ran the context's $(...)");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves a file added by hand to a directory it writes, says so, and --check fails on it", async () => {
    const stray = path.join(project, "gitops", "clusters", "cluster-1", "extra.yaml");
    fs.writeFileSync(stray, "kind: ConfigMap\n");
    const written = await renderCli(project);
    assert.strictEqual(written.code, 0, written.stderr);
    assert.match(
      written.stderr,
      /note: 1 path the render did not write \(a directory ends in \/\) in directories it writes; left as they are/,
    );
    assert.match(written.stderr, /^ {2}gitops\/clusters\/cluster-1\/extra\.yaml$/m);
    assert.strictEqual(fs.readFileSync(stray, "utf8"), "kind: ConfigMap\n");
    const check = await renderCli(project, "--check");
    assert.strictEqual(check.code, 1);
    assert.match(
      check.stderr,
      /render --check: 1 path the render did not write \(a directory ends in \/\) in directories it writes:\n {2}gitops\/clusters\/cluster-1\/extra\.yaml\n/,
    );
    assert.strictEqual(check.stdout, "");
    fs.rmSync(stray);
    assert.strictEqual((await renderCli(project, "--check")).code, 0);
  });
});
