import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "./support/stacks";

// Pulumi.yaml's runtime option `tsconfig` names tsconfig.pulumi.json, which extends tsconfig.json with `noCheck`,
// so the Pulumi language host starts the program transpile-only; tsconfig.json (editors, npm test, CI) checks.
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** The tsc arguments a package.json script runs (`... && tsc --noEmit --noCheck false && ...`). */
function tscArgs(script: string): string[] {
  const part = script.split("&&").map((s) => s.trim()).find((s) => s.startsWith("tsc "));
  assert.ok(part, `the script "${script}" does not run tsc`);
  return part.split(/\s+/).slice(1);
}

/** Compiles one file under one of the project's tsconfigs (no @types, to keep it quick) with the given tsc arguments. */
function compile(source: string, args: readonly string[], tsconfig = "tsconfig.json"): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-typecheck-"));
  try {
    fs.writeFileSync(path.join(dir, "wrong.ts"), source);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: path.join(ROOT, tsconfig), compilerOptions: { types: [] }, include: ["wrong.ts"] }));
    const r = spawnSync(process.execPath, [TSC, "-p", path.join(dir, "tsconfig.json"), "--pretty", "false", ...args], { encoding: "utf8" });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const WRONG = 'export const port: number = "http";\n';

describe("type-checking happens once: in CI, not again on every pulumi up", () => {
  for (const name of ["typecheck", "test"]) {
    it(`npm run ${name}: its tsc command fails on a type error`, function () {
      this.timeout(120000);
      const r = compile(WRONG, tscArgs(pkg.scripts[name]));
      assert.strictEqual(r.status, 2, r.output);
      assert.match(r.output, /TS2322: Type 'string' is not assignable to type 'number'/);
    });
  }

  it("tsconfig.pulumi.json (what pulumi up reads) does not type-check", function () {
    this.timeout(120000);
    const r = compile(WRONG, ["--noEmit"], "tsconfig.pulumi.json");
    assert.strictEqual(r.status, 0, r.output);
  });

  it("Pulumi.yaml points the language host at tsconfig.pulumi.json (its runtime option tsconfig)", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime: { options: Record<string, unknown> } };
    assert.strictEqual(project.runtime.options.tsconfig, "tsconfig.pulumi.json");
  });

  it("the Pulumi language host reads noCheck: true from tsconfig.pulumi.json, and run.js turns it into transpileOnly", () => {
    // The SDK's own loader of tsconfig compiler options, the one cmd/run/run.js calls.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsutils = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions(p: string): Record<string, unknown> };
    assert.strictEqual(tsutils.loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.pulumi.json")).noCheck, true);
    assert.notStrictEqual(tsutils.loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json")).noCheck, true);
    // The SDK reads no `extends`: the options it lays over its defaults must be the project's own.
    const project = tsutils.loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json"));
    const pulumiOnly = tsutils.loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.pulumi.json"));
    for (const k of ["target", "module", "moduleResolution"]) assert.strictEqual(String(pulumiOnly[k]).toLowerCase(), String(project[k]).toLowerCase(), k);
    // run.js: PULUMI_NODEJS_TRANSPILE_ONLY wins when set, else `transpileOnly = compilerOptions.noCheck`. If an SDK
    // upgrade changes that, this fails and the bench's program-start measurement must follow.
    const runJs = fs.readFileSync(require.resolve("@pulumi/pulumi/cmd/run/run.js"), "utf8");
    assert.match(runJs, /transpileOnly = transpileOnlyEnv === "true";/);
    assert.match(runJs, /transpileOnly = compilerOptions\.noCheck;/);
  });
});
