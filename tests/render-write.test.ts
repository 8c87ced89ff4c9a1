import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../render/cli";
import { MANIFEST } from "../render/ownership";
import { LOCK_FILE } from "../render/render-lock";
import { PartialWrite, writeOwnedTree } from "../render/tree-writer";
import { readTree, renderChildCommand, renderCli, snapshot, tempProject } from "./support/render-project";

// Threat-model boundary "the file system around gitops/ and --out" (docs/threat-model.md).
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;
const temps = (dir: string) =>
  (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.render-tmp-|\.render\.lock/.test(f));

describe("render: writes only the files it owns", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-write-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes new files, deletes owned files no longer rendered, and records what it owns", () => {
    const out = path.join(dir, "tree");
    writeOwnedTree(
      out,
      new Map([
        ["a/x.yaml", "x\n"],
        ["b.yaml", "b\n"],
        ["d/e/z.yaml", "z\n"],
      ]),
      "tree",
    );
    fs.writeFileSync(path.join(out, "a", "mine.txt"), "user\n");
    writeOwnedTree(out, new Map([["c/y.yaml", "y\n"]]), "tree");
    // the directories a deleted file leaves empty go with it; one that holds a user's file stays
    assert.deepStrictEqual(fs.readdirSync(out).sort(), [".rendered-files", "a", "c"]);
    assert.deepStrictEqual(
      readTree(out),
      new Map([
        ["a/mine.txt", "user\n"],
        ["c/y.yaml", "y\n"],
      ]),
    );
    assert.strictEqual(fs.readFileSync(path.join(out, MANIFEST), "utf8").split("\n").slice(1).join("\n"), "c/y.yaml\n");
    assert.deepStrictEqual(temps(out), []);
  });

  it("removes the temp files a killed render left in the directories it owns, not a live process's", () => {
    const out = path.join(dir, "tree");
    writeOwnedTree(out, new Map([["a/x.yaml", "x\n"]]), "tree");
    const dead = `.x.yaml.render-tmp-${deadPid()}`;
    const running = ".x.yaml.render-tmp-1"; // pid 1 is alive: another render may be writing it
    for (const name of [dead, running]) fs.writeFileSync(path.join(out, "a", name), "half");
    fs.writeFileSync(path.join(out, dead), "half");
    writeOwnedTree(out, new Map([["a/x.yaml", "x2\n"]]), "tree");
    assert.deepStrictEqual(fs.readdirSync(path.join(out, "a")).sort(), [running, "x.yaml"].sort());
    assert.ok(!fs.existsSync(path.join(out, dead)), "the top directory is one the render owns too");
  });

  it("a deletion that fails part-way is reported with what was deleted before it", () => {
    const out = path.join(dir, "tree");
    writeOwnedTree(
      out,
      new Map([
        ["a.yaml", "a\n"],
        ["b.yaml", "b\n"],
        ["c.yaml", "c\n"],
      ]),
      "tree",
    );
    const failing = {
      beforeWrite: (rel: string) => {
        if (rel === "b.yaml") throw new Error("EROFS: read-only file system");
      },
    };
    assert.throws(
      () => writeOwnedTree(out, new Map([["c.yaml", "c\n"]]), "tree", failing),
      (e: PartialWrite) => {
        assert.deepStrictEqual([e.name, e.written, e.pending], ["PartialWrite", ["a.yaml"], ["b.yaml"]]);
        return true;
      },
    );
    assert.ok(!fs.existsSync(path.join(out, "a.yaml")) && fs.existsSync(path.join(out, "b.yaml")));
  });

  it("keeps an existing file's mode; new files 0644 and directories 0755 (less the umask)", () => {
    const out = path.join(dir, "tree");
    writeOwnedTree(
      out,
      new Map([
        ["a/x.yaml", "x\n"],
        ["b.yaml", "b\n"],
      ]),
      "tree",
    );
    fs.chmodSync(path.join(out, "b.yaml"), 0o600);
    writeOwnedTree(
      out,
      new Map([
        ["a/x.yaml", "x2\n"],
        ["b.yaml", "b2\n"],
      ]),
      "tree",
    );
    const umask = process.umask();
    assert.strictEqual(fs.statSync(path.join(out, "b.yaml")).mode & 0o777, 0o600);
    assert.strictEqual(fs.statSync(path.join(out, "a", "x.yaml")).mode & 0o777, 0o644 & ~umask);
    assert.strictEqual(fs.statSync(path.join(out, "a")).mode & 0o777, 0o755 & ~umask);
  });

  it("refuses a file it did not write where it would write one, and writes nothing", async () => {
    const project = tempProject();
    try {
      fs.mkdirSync(path.join(project, "gitops", "clusters", "cluster-1"), { recursive: true });
      fs.writeFileSync(path.join(project, "gitops", "clusters", "cluster-1", "kustomization.yaml"), "# mine\n");
      const before = snapshot(project);
      const result = await renderCli(project);
      assert.strictEqual(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /^render: gitops\/clusters\/cluster-1\/kustomization.yaml: a file the render did not write is where it would write one; refusing to overwrite it \(move it, or render into another --out\); nothing written\n$/,
      );
      assert.deepStrictEqual(snapshot(project), before);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("refuses a symlink inside the output, naming it, and follows none", async () => {
    const project = tempProject();
    try {
      assert.strictEqual((await renderCli(project)).code, 0);
      const outside = path.join(dir, "outside");
      fs.mkdirSync(outside);
      fs.writeFileSync(path.join(outside, "secret.yaml"), "secret\n");
      fs.rmSync(path.join(project, "gitops", "base"), { recursive: true });
      fs.symlinkSync(outside, path.join(project, "gitops", "base"));
      const result = await renderCli(project);
      assert.strictEqual(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /^render: gitops\/base is a symlink; the render never follows symlinks inside its output \(remove it, or render elsewhere\); nothing written\n$/,
      );
      assert.deepStrictEqual(fs.readdirSync(outside), ["secret.yaml"]);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("writes through an output directory that is a symlink: the link stays, its target is updated", async () => {
    const project = tempProject();
    try {
      const target = path.join(dir, "real-tree");
      fs.mkdirSync(target);
      fs.symlinkSync(target, path.join(project, "gitops"));
      const result = await renderCli(project);
      assert.strictEqual(result.code, 0, result.stderr);
      assert.ok(fs.lstatSync(path.join(project, "gitops")).isSymbolicLink());
      assert.ok(fs.existsSync(path.join(target, "clusters", "cluster-1", "kustomization.yaml")));
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("a second render while one holds the lock exits 2 with a clear message; a dead holder's lock is taken", async () => {
    const project = tempProject();
    const holder = spawn("sleep", ["30"]);
    try {
      fs.mkdirSync(path.join(project, "gitops"));
      fs.writeFileSync(path.join(project, "gitops", LOCK_FILE), `${holder.pid}\n`);
      const locked = await renderCli(project);
      assert.strictEqual(locked.code, 2, locked.stderr);
      assert.strictEqual(
        locked.stderr,
        `render: another render (pid ${holder.pid}) is writing gitops/ (it holds gitops/${LOCK_FILE}); wait for it to finish and run this one again; nothing written\n`,
      );
      fs.writeFileSync(path.join(project, "gitops", LOCK_FILE), `${deadPid()}\n`);
      fs.writeFileSync(path.join(project, "gitops", `.README.md.render-tmp-${deadPid()}`), "half");
      const after = await renderCli(project);
      assert.strictEqual(after.code, 0, after.stderr);
      assert.deepStrictEqual(temps(path.join(project, "gitops")), []);
    } finally {
      holder.kill("SIGKILL");
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("a write that fails part-way says what was and was not written; the next render finishes the tree", async () => {
    const project = tempProject();
    try {
      let n = 0;
      let stderr = "";
      const failing = {
        beforeWrite: () => {
          if (++n === 4) throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
        },
      };
      const code = await main([], { root: project, stderr: (t) => void (stderr += t), hooks: failing });
      assert.strictEqual(code, 3);
      assert.match(
        stderr,
        /^render: writing gitops\/ failed: EACCES: permission denied\n {2}written before the failure: 2 \(README\.md, apps\/accounts\/deployment-accounts\.accounts\.yaml\), each complete \(renamed into place\)\n {2}not written: \d+ \(/m,
      );
      // Every file is either written or listed as not written: nothing is silently half-done.
      const notWritten = Number(/not written: (\d+)/.exec(stderr)![1]);
      const again = await renderCli(project);
      assert.strictEqual(again.code, 0, again.stderr);
      assert.deepStrictEqual(readTree(path.join(project, "gitops")).size, 2 + notWritten);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  describe("a directory the render may not write (a real render process, as an unprivileged user)", () => {
    // Root writes into read-only directories anyway: as root, the render runs as nobody (setpriv), as itself otherwise.
    const asUser = (args: string[]) => {
      const node = renderChildCommand(args[0], ...args.slice(1));
      const argv =
        process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...node] : node;
      return spawnSync(argv[0], argv.slice(1), { encoding: "utf8", env: { ...process.env, HOME: os.tmpdir() } });
    };
    const unprivileged = (project: string, p: string) =>
      process.getuid?.() === 0 && fs.chownSync(path.join(project, p), 65534, 65534);
    // As nobody, the child must reach the project's files: not so in a private sandbox (Stryker's is mode 0700).
    const hiddenFromNobody = (): string | undefined => {
      if (process.getuid?.() !== 0) return undefined;
      for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        if ((fs.statSync(dir).mode & 0o001) === 0)
          return `${dir} is not searchable by other users, so the unprivileged render cannot load the project`;
      }
      return undefined;
    };
    beforeEach(function () {
      const why = hiddenFromNobody();
      if (why) {
        console.log(`      SKIPPED (render as an unprivileged user): ${why}`);
        this.skip();
      }
    });

    it("read-only output: exit 2, nothing written, and it says so", function () {
      this.timeout(60000);
      const project = tempProject();
      try {
        fs.chmodSync(project, 0o755);
        fs.mkdirSync(path.join(project, "gitops"), { mode: 0o555 });
        fs.chmodSync(path.join(project, "gitops"), 0o555);
        const result = asUser([project]);
        assert.strictEqual(result.status, 2, result.stderr);
        assert.match(result.stderr, /^render: gitops\/ is not writable \(EACCES: .*\); nothing written\n$/m);
        assert.deepStrictEqual(fs.readdirSync(path.join(project, "gitops")), []);
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    });

    it("a read-only part: exit 3, what was and was not written; a render that may write finishes the tree", function () {
      this.timeout(60000);
      const project = tempProject({ "cluster-2": { waypoints: false } }, { gitops: true });
      try {
        fs.chmodSync(project, 0o755);
        for (const p of fs.readdirSync(path.join(project, "gitops"), { recursive: true }) as string[])
          unprivileged(project, path.join("gitops", p));
        unprivileged(project, "gitops");
        fs.chmodSync(path.join(project, "gitops", "tenants", "cluster-2", "accounts"), 0o555);
        if (process.getuid?.() === 0)
          fs.chownSync(path.join(project, "gitops", "tenants", "cluster-2", "accounts"), 0, 0);
        const result = asUser([project]);
        assert.strictEqual(result.status, 3, result.stderr);
        assert.match(
          result.stderr,
          /^render: writing gitops\/ failed: EACCES: permission denied, .*\n {2}written before the failure: [1-9]\d* \(.*\), each complete \(renamed into place\)\n {2}not written: [1-9]\d* \(tenants\/cluster-2\/accounts\/.*\)\n/m,
        );
        fs.chmodSync(path.join(project, "gitops", "tenants", "cluster-2", "accounts"), 0o755);
        const [node, ...args] = renderChildCommand(project);
        const again = spawnSync(node, args, { encoding: "utf8" });
        assert.strictEqual(again.status, 0, again.stderr);
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    });
  });
});
