import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { transpileProgramStart } from "../bench/transpile";
import { loadStackConfig } from "../config/project-files";
import { ROOT } from "./support/stacks";

// What `pulumi up` runs: index.ts loaded through ts-node registered as @pulumi/pulumi's cmd/run/run.js does,
// with the tsconfig Pulumi.yaml names (tsconfig.pulumi.json: transpile-only, esbuild), against Pulumi mocks.
describe("pulumi up's loader starts the program (tsconfig.pulumi.json, esbuild, no type-check)", () => {
  it("runs index.ts to the last registration, transpile-only, registering every resource of the stack", function () {
    this.timeout(120000);
    const script = transpileProgramStart(ROOT);
    const r = spawnSync(process.execPath, [script, ROOT, "cluster-1"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PULUMI_CONFIG: JSON.stringify(loadStackConfig(ROOT, "cluster-1").raw), PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.pulumi.json" },
    });
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    const expected = fs.readFileSync(path.join(ROOT, "tests", "resource-list", "cluster-1.txt"), "utf8").split("\n").filter(Boolean).length;
    assert.match(r.stdout, new RegExp(`^cluster-1: ${expected} registrations, transpileOnly=true$`, "m"));
  });
});
