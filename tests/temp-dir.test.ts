import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ramTempDir } = require("./support/temp-dir.js") as { ramTempDir: (shm?: string, uid?: number) => string | undefined };

describe("the tests' temporary directory (tests/support/temp-dir.js)", () => {
  const uid = process.getuid?.();
  let shm: string;
  before(function () {
    if (uid === undefined) {
      console.log("      SKIPPED (tests' temp dir): no POSIX user ids on this platform; TMPDIR is left as it is there");
      this.skip();
    }
  });
  beforeEach(() => (shm = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-shm-"))));
  afterEach(() => fs.rmSync(shm, { recursive: true, force: true }));

  it("is a directory of the user's in the RAM disk, open to all with the sticky bit, like /tmp", () => {
    const dir = ramTempDir(shm, uid);
    assert.strictEqual(dir, path.join(shm, `mesh-lab-tests-${uid}`));
    const st = fs.lstatSync(dir!);
    assert.ok(st.isDirectory());
    assert.strictEqual(st.mode & 0o7777, 0o1777);
    assert.strictEqual(ramTempDir(shm, uid), dir, "a second run takes the same directory");
  });

  it("is not used when someone else's directory, or a symlink, is in its place, and changes neither", () => {
    // A directory made by this process stands for another user's when asked for with another uid.
    const other = uid! + 1;
    fs.mkdirSync(path.join(shm, `mesh-lab-tests-${other}`), { mode: 0o755 });
    assert.strictEqual(ramTempDir(shm, other), undefined);
    assert.strictEqual(fs.statSync(path.join(shm, `mesh-lab-tests-${other}`)).mode & 0o7777, 0o755);
    const target = fs.mkdtempSync(path.join(shm, "target-"));
    fs.chmodSync(target, 0o700);
    fs.symlinkSync(target, path.join(shm, `mesh-lab-tests-${uid}`));
    assert.strictEqual(ramTempDir(shm, uid), undefined);
    assert.strictEqual(fs.statSync(target).mode & 0o7777, 0o700);
  });

  it("is not used where there is no RAM disk", () => {
    assert.strictEqual(ramTempDir(path.join(shm, "missing"), uid), undefined);
  });

  // Real mounts, as Docker makes /dev/shm: 64 MiB, noexec. Mounting needs root (and a mount namespace that allows it).
  describe("on a RAM disk where the tests could not work", () => {
    const mounted: string[] = [];
    const mount = (options: string): string | undefined => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-shm-mount-"));
      const r = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { encoding: "utf8" });
      if (r.status !== 0) {
        fs.rmdirSync(dir);
        return undefined;
      }
      mounted.push(dir);
      return dir;
    };
    before(function () {
      const probe = process.getuid?.() === 0 ? mount("size=1m") : undefined;
      if (probe === undefined) {
        console.log("      SKIPPED (tests' temp dir on a small or noexec RAM disk): mounting a tmpfs needs root and a mount namespace that allows it");
        this.skip();
      }
    });
    after(() => {
      for (const dir of mounted) {
        spawnSync("umount", [dir]);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("is not used where a program written there cannot run (noexec)", () => {
      const noexec = mount("noexec,size=512m");
      assert.ok(noexec);
      assert.strictEqual(ramTempDir(noexec, uid), undefined);
    });

    it("is not used where there is little room (Docker's 64 MiB), and is where there is enough", () => {
      assert.strictEqual(ramTempDir(mount("size=64m")!, uid), undefined);
      const roomy = mount("size=512m")!;
      assert.strictEqual(ramTempDir(roomy, uid), path.join(roomy, `mesh-lab-tests-${uid}`));
    });
  });
});
