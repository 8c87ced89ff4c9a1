import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "./support/stacks";

const START = path.join(__dirname, "support", "pulumi-start.js");
const WRONG = 'export const port: number = "http";\n';

/**
 * Starts the program in `root` as `pulumi up` does (tests/support/pulumi-start.js copies run.js's TypeScript
 * set-up), with the language host's environment for Pulumi.yaml's runtime options.
 */
function start(root: string, env: Record<string, string> = {}) {
  const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    runtime: { options?: Record<string, unknown> };
  };
  // pulumi-language-nodejs sets PULUMI_NODEJS_TYPESCRIPT=true unless the runtime option `typescript` is false.
  const typescript = project.runtime.options?.typescript === false ? {} : { PULUMI_NODEJS_TYPESCRIPT: "true" };
  const config = {
    "mesh-lab:kubeContext": "ctx-a",
    "mesh-lab:clusterName": "cluster-a",
    "mesh-lab:network": "net-a",
    "mesh-lab:apps": JSON.stringify([{ name: "api", image: "example/api:1", port: 8080 }]),
  };
  return spawnSync(process.execPath, [START, root, "cluster-a"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PULUMI_CONFIG: JSON.stringify(config), ...typescript, ...env },
  });
}

describe("pulumi up starts the program the way Pulumi's TypeScript templates do", () => {
  it("Pulumi.yaml is runtime nodejs with no loader options, and package.json's main is index.ts", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
      main?: string;
      runtime: { name: string; options?: Record<string, unknown> };
    };
    assert.deepStrictEqual(project.runtime, { name: "nodejs", options: { packagemanager: "npm" } });
    assert.strictEqual(project.main, undefined);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { main: string };
    assert.strictEqual(pkg.main, "index.ts");
  });

  it("runs index.ts through ts-node, type-checked, to its last registration", function () {
    this.timeout(120000);
    const r = start(ROOT);
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^cluster-a: [1-9]\d* registrations, typescript=true, transpileOnly=undefined$/m);
  });

  it("PULUMI_NODEJS_TRANSPILE_ONLY=true registers the same resources without the type check", function () {
    this.timeout(120000);
    const checked = start(ROOT);
    const transpiled = start(ROOT, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
    assert.strictEqual(transpiled.status, 0, transpiled.stdout + transpiled.stderr);
    const count = (out: string) => /(\d+) registrations/.exec(out)?.[1];
    assert.strictEqual(count(transpiled.stdout), count(checked.stdout));
    assert.match(transpiled.stdout, /transpileOnly=true$/m);
  });

  describe("a type error", () => {
    let dir: string;
    before(() => {
      // A project with this one's package.json, Pulumi.yaml and tsconfig.json, whose index.ts has a type error.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-start-"));
      for (const f of ["package.json", "Pulumi.yaml", "tsconfig.json"])
        fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
      fs.writeFileSync(path.join(dir, "index.ts"), `${WRONG}console.log("ran", port);\n`);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("stops pulumi up by default (ts-node checks types)", function () {
      this.timeout(120000);
      const r = start(dir);
      assert.notStrictEqual(r.status, 0, r.stdout);
      assert.match(r.stderr, /TS2322: Type 'string' is not assignable to type 'number'/);
    });

    it("is not checked again with PULUMI_NODEJS_TRANSPILE_ONLY=true, so CI must run npm run typecheck first", function () {
      this.timeout(120000);
      const r = start(dir, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
      assert.match(r.stdout, /^ran http$/m);
      const tsc = spawnSync(
        process.execPath,
        [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", dir],
        { encoding: "utf8" },
      );
      assert.strictEqual(tsc.status, 2, tsc.stdout);
      assert.match(tsc.stdout, /TS2322/);
    });
  });
});
