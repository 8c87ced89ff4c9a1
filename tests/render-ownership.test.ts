import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findKubectl } from "../render/kubectl";
import { renderChildCommand, renderCli, snapshot, tempProject } from "./support/render-project";

// Threat-model boundary "the file system around gitops/ and --out": a Git checkout as --out, a real SIGKILL
// of a render mid-write, and --stack changing another cluster's overlay.

/** Every file and directory under `dir` with its bytes and mode: a byte-for-byte, mode-for-mode snapshot. */
function bytes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const st = fs.lstatSync(path.join(dir, rel));
    out.set(
      rel,
      `${st.mode.toString(8)} ${st.isFile() ? fs.readFileSync(path.join(dir, rel)).toString("base64") : ""}`,
    );
  }
  return out;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });

describe("render: --out into a Git checkout", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-own-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("leaves .git/, binaries and user files byte for byte through --stack and full renders", async () => {
    const project = tempProject();
    const out = path.join(dir, "mesh-gitops");
    try {
      assert.strictEqual((await renderCli(project, "--out", out)).code, 0);
      fs.writeFileSync(path.join(out, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80, 0xc3]));
      fs.writeFileSync(path.join(out, "NOTES.md"), "mine\n");
      git(out, "init", "-q");
      git(out, "add", "-A");
      git(out, "commit", "-qm", "tree");
      fs.writeFileSync(path.join(out, "base", "untracked.bin"), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
      const before = bytes(out);
      const gitBefore = bytes(path.join(out, ".git"));
      const stack = await renderCli(project, "--out", out, "--stack", "cluster-1");
      assert.strictEqual(stack.code, 0, stack.stderr);
      const full = await renderCli(project, "--out", out);
      assert.strictEqual(full.code, 0, full.stderr);
      assert.deepStrictEqual(bytes(path.join(out, ".git")), gitBefore);
      assert.deepStrictEqual(bytes(out), before);
      assert.strictEqual(git(out, "status", "--porcelain"), "?? base/untracked.bin\n");
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("a changed config updates only the rendered files; git sees exactly those", async () => {
    const project = tempProject();
    const out = path.join(dir, "mesh-gitops");
    try {
      assert.strictEqual((await renderCli(project, "--out", out)).code, 0);
      git(out, "init", "-q");
      git(out, "add", "-A");
      git(out, "commit", "-qm", "tree");
      const gitBefore = bytes(path.join(out, ".git"));
      const changed = tempProject({ "cluster-2": { waypoints: false } });
      try {
        assert.strictEqual((await renderCli(changed, "--out", out)).code, 0);
      } finally {
        fs.rmSync(changed, { recursive: true, force: true });
      }
      assert.deepStrictEqual(bytes(path.join(out, ".git")), gitBefore);
      const status = git(out, "status", "--porcelain").split("\n").filter(Boolean).sort();
      assert.ok(status.includes(" D tenants/cluster-2/accounts/gateway-accounts.waypoint.yaml"), status.join("\n"));
      assert.ok(
        status.every((l) => / (clusters|tenants|base|apps|argocd)\/|README\.md|\.rendered-files/.test(l)),
        status.join("\n"),
      );
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("--out at a repository root is refused: it is the project directory", async () => {
    const project = tempProject();
    try {
      fs.writeFileSync(path.join(project, "README.md"), "# my project\n");
      const before = snapshot(project);
      const result = await renderCli(project, "--out", ".");
      assert.strictEqual(result.code, 2, result.stderr);
      assert.match(result.stderr, /--out \. is the project directory; refusing to write a tree there; nothing written/);
      assert.deepStrictEqual(snapshot(project), before);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});

describe("render: killed at any point, repaired by the next render", () => {
  for (const point of ["temp:.rendered-files", "temp:README.md", "written:3"]) {
    it(`SIGKILL at ${point}: gitops/ is still there, and the next render finishes it`, async function () {
      this.timeout(120000);
      // given a committed tree and a config change that rewrites part of it
      const project = tempProject({ "cluster-2": { waypoints: false } }, { gitops: true });
      try {
        const [node, ...args] = renderChildCommand(project);
        const proc = spawn(node, args, {
          env: { ...process.env, MESH_LAB_RENDER_PAUSE: point },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let err = "";
        await new Promise<void>((resolve, reject) => {
          proc.stderr.on("data", (d) => {
            err += d;
            if (err.includes(`paused at ${point}`)) resolve();
          });
          proc.on("exit", () => reject(new Error(`the render ended before ${point}: ${err}`)));
        });
        // when it is killed there
        proc.kill("SIGKILL");
        await new Promise((resolve) => proc.on("exit", resolve));
        // then the tree is there, and a new render repairs it completely and leaves no trace of the killed one
        assert.ok(fs.statSync(path.join(project, "gitops")).isDirectory());
        const again = await renderCli(project);
        assert.strictEqual(again.code, 0, again.stderr);
        const check = await renderCli(project, "--check");
        assert.strictEqual(check.code, 0, check.stdout);
        const left = (fs.readdirSync(path.join(project, "gitops"), { recursive: true }) as string[]).filter((f) =>
          /render-tmp|render\.lock/.test(f),
        );
        assert.deepStrictEqual(left, []);
        assert.ok(
          !fs.existsSync(path.join(project, "gitops", "clusters", "cluster-2", "gateway-accounts.waypoint.yaml")),
        );
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    });
  }
});

describe("render --stack never changes another cluster's units", () => {
  it("refuses, exit 3, nothing written, when the shared layers would change clusters/cluster-2", async function () {
    if (findKubectl() === undefined) {
      console.log("      skipped: kubectl is not on PATH (nor $KUBECTL); the build check needs it");
      this.skip();
    }
    // given the committed tree for both stacks, and waypoints turned off for cluster-1 only
    const project = tempProject({ "cluster-1": { waypoints: false } }, { gitops: true });
    try {
      const before = snapshot(project);
      // when only cluster-1 is rendered
      const result = await renderCli(project, "--stack", "cluster-1");
      // then it is refused, saying which stack's units would change and what to do
      assert.strictEqual(result.code, 3, result.stderr);
      assert.match(
        result.stderr,
        /^render: the plan cannot be rendered, nothing written:\n {2}- --stack cluster-1 would change cluster-2's units: they share base\/ and apps\/ with cluster-1, and with the shared files this render would write \(the project's config as it is now\) they would no longer build to what cluster-2 plans \(tenants\/cluster-2\/accounts lacks v1 Namespace accounts as the program plans it; .*\); render all stacks \(npm run render\) so every unit gets its patches\n$/m,
      );
      assert.deepStrictEqual(snapshot(project), before);
      // and rendering every stack works
      assert.strictEqual((await renderCli(project)).code, 0);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});
