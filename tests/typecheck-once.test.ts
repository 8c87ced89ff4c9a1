import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "./support/stacks";

// Pulumi.yaml's runtime option `typescript: false` keeps ts-node out of `pulumi up`; the entry point loads index.ts
// with tsx, which strips types without checking them. tsconfig.json (editors, npm test, CI) checks.
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** The tsc arguments a package.json script runs (`... && tsc --noEmit --noCheck false && ...`). */
function tscArgs(script: string): string[] {
  const part = script.split("&&").map((s) => s.trim()).find((s) => s.startsWith("tsc "));
  assert.ok(part, `the script "${script}" does not run tsc`);
  return part.split(/\s+/).slice(1);
}

/**
 * Compiles one file under the project's tsconfig.json (no @types and no DOM library, to keep it quick: 0.23 s a run
 * instead of 0.52 s) with the given tsc arguments, once per source in turn, in one temp directory that is also
 * tsc's working directory: a relative `--tsBuildInfoFile` (npm test's) lands there, not in the project's cache.
 * Returns each compile's result.
 */
function compile(sources: readonly string[], args: readonly string[]): { status: number | null; output: string }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-typecheck-"));
  try {
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: path.join(ROOT, "tsconfig.json"), compilerOptions: { types: [], lib: ["es2022"] }, include: ["wrong.ts"] }));
    return sources.map((source) => {
      fs.writeFileSync(path.join(dir, "wrong.ts"), source);
      const r = spawnSync(process.execPath, [TSC, "-p", path.join(dir, "tsconfig.json"), "--pretty", "false", ...args], { cwd: dir, encoding: "utf8" });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const WRONG = 'export const port: number = "http";\n';
const RIGHT = "export const port: number = 80;\n";

describe("type-checking happens once: in CI, not again on every pulumi up", () => {
  it("npm run typecheck: its tsc command fails on a type error", function () {
    this.timeout(120000);
    const [r] = compile([WRONG], tscArgs(pkg.scripts.typecheck));
    assert.strictEqual(r.status, 2, r.output);
    assert.match(r.output, /TS2322: Type 'string' is not assignable to type 'number'/);
  });

  // npm test keeps tsc's build info between runs (--incremental): it must report an error from scratch (a fresh
  // clone), the same error again on an unchanged file, and one added after a clean check. The exit status is not
  // always 2 (repeated from the build info, it is 1 with TypeScript 5.9); any non-zero one stops npm's &&.
  it("npm test: its tsc command fails on a type error, from scratch and with its build info, and never hides one", function () {
    this.timeout(120000);
    const args = tscArgs(pkg.scripts.test);
    assert.ok(args.includes("--incremental"), `npm test's tsc is not incremental: ${args.join(" ")}`);
    const [fresh, again, fixed, added] = compile([WRONG, WRONG, RIGHT, WRONG], args);
    for (const r of [fresh, again, added]) {
      assert.ok(r.status !== 0 && r.status !== null, `tsc passed: ${r.output}`);
      assert.match(r.output, /TS2322: Type 'string' is not assignable to type 'number'/);
    }
    assert.strictEqual(fixed.status, 0, fixed.output);
  });

  it("Pulumi.yaml says typescript: false, and run.js registers ts-node only when the language host says true", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime: { options: Record<string, unknown> } };
    assert.strictEqual(project.runtime.options.typescript, false);
    // The language host sets PULUMI_NODEJS_TYPESCRIPT=true only for typescript: true (pulumi-language-nodejs
    // main.go, Run); run.js loads ts-node and the TypeScript compiler only under that flag. If an SDK upgrade
    // changes the gate, this fails and docs/performance.md must follow.
    const runJs = fs.readFileSync(require.resolve("@pulumi/pulumi/cmd/run/run.js"), "utf8");
    assert.match(runJs, /const typeScript = process\.env\["PULUMI_NODEJS_TYPESCRIPT"\] === "true";/);
    assert.match(runJs, /if \(typeScript\) \{\s+const compilerOptions = tsutils\.loadTypeScriptCompilerOptions/);
  });

  it("the entry point's loader (tsx) runs a file with a type error: pulumi up does not type-check a second time", function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-typecheck-"));
    try {
      fs.writeFileSync(path.join(dir, "wrong.ts"), `${WRONG}console.log("ran", port);\n`);
      const entry = fs.readFileSync(path.join(ROOT, "scripts", "pulumi-main.js"), "utf8");
      assert.match(entry, /require\("tsx\/cjs\/api"\)\.register\(\);/);
      const r = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register(); require(${JSON.stringify(path.join(dir, "wrong.ts"))})`], { encoding: "utf8" });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(r.stdout, "ran http\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
