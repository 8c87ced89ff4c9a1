import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { languageHostLaunch } from "../bench/language-host";
import { transpileProgramStart } from "../bench/transpile";
import { loadStackConfig } from "../config/project-files";
import { shared } from "./support/shared";
import { ROOT } from "./support/stacks";

// What `pulumi up` runs: Node with Pulumi.yaml's nodeargs (the compile-cache preload), then run.js's loading of
// the package.json entry (scripts/pulumi-main.js: tsx, then index.ts), against Pulumi mocks.
describe("pulumi up's loader starts the program (typescript: false, the preload, tsx)", () => {
  const expected = fs.readFileSync(path.join(ROOT, "tests", "resource-list", "cluster-1.txt"), "utf8").split("\n").filter(Boolean).length;

  function start(env: Record<string, string>) {
    const host = languageHostLaunch(ROOT);
    return spawnSync(process.execPath, [...host.nodeArgs, transpileProgramStart(ROOT), ROOT, "cluster-1"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PULUMI_CONFIG: JSON.stringify(loadStackConfig(ROOT, "cluster-1").raw), ...host.env, ...env },
    });
  }

  // One start serves both tests (a program start is about a second of CPU): with TMPDIR a fresh directory, so
  // the compile cache it fills is this run's alone. enableCompileCache() with no argument caches under
  // os.tmpdir() (TMPDIR), one file per compiled module.
  const run = shared(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-compile-cache-"));
    try {
      const r = start({ TMPDIR: dir });
      const cacheDir = path.join(dir, "node-compile-cache");
      const cached = fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0;
      return { r, cached };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs index.ts to the last registration without ts-node, registering every resource of the stack", async function () {
    this.timeout(120000);
    const { r } = await run();
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^cluster-1: ${expected} registrations, typescript=false, transpileOnly=undefined$`, "m"));
  });

  it("the preload turns on Node's compile cache before run.js loads the SDK, so the SDK's modules are cached too", async function () {
    this.timeout(120000);
    // index.ts and what it loads are about 150 modules; the SDK and the Kubernetes SDK are over 700 more, and land
    // in the cache only if it was on before run.js required them.
    const { r, cached } = await run();
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.ok(cached > 600, `only ${cached} modules in the compile cache`);
  });
});
