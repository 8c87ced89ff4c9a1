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

// The probes compile one file without @types and without TypeScript's libraries: a run is then mostly tsc loading
// (0.2 s of CPU instead of 0.5 s with lib es2022). `noLib` needs the global types the checker looks up, declared bare.
const GLOBALS = ["Array<T>", "Boolean", "CallableFunction", "Function", "IArguments", "NewableFunction", "Number", "Object", "RegExp", "String"];
const PROBE = { compilerOptions: { types: [], noLib: true }, include: ["wrong.ts", "globals.d.ts"] };

/** A probe project in `dir`: a tsconfig extending `base` with `compilerOptions` added, over wrong.ts alone. */
function writeProbe(dir: string, name: string, base: string, compilerOptions: Record<string, unknown> = {}): void {
  fs.writeFileSync(path.join(dir, "globals.d.ts"), GLOBALS.map((g) => `interface ${g} {}\n`).join(""));
  fs.writeFileSync(path.join(dir, name), JSON.stringify({ ...PROBE, extends: base, compilerOptions: { ...PROBE.compilerOptions, ...compilerOptions } }));
}

/** Compiles wrong.ts, once per source in turn, under the project's tsconfig.json with the given tsc arguments. */
function compile(sources: readonly string[], args: readonly string[]): { status: number | null; output: string }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-typecheck-"));
  try {
    writeProbe(dir, "tsconfig.json", path.join(ROOT, "tsconfig.json"));
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

/** Sets a file's modification time `seconds` in the past (negative: in the future). */
function setAge(file: string, seconds: number): void {
  const at = new Date(Date.now() - seconds * 1000);
  fs.utimesSync(file, at, at);
}

describe("type-checking happens once: in CI, not again on every pulumi up", () => {
  it("npm run typecheck: its tsc command fails on a type error", function () {
    this.timeout(120000);
    const [r] = compile([WRONG], tscArgs(pkg.scripts.typecheck));
    assert.strictEqual(r.status, 2, r.output);
    assert.match(r.output, /TS2322: Type 'string' is not assignable to type 'number'/);
  });

  // npm test checks in TypeScript's build mode (scripts/typecheck-incremental.js): it must report an error from
  // scratch (a fresh clone), the same error again on an unchanged file, and one added after a clean check; it skips
  // the check on an unchanged project; and after an npm install it checks what comes from node_modules again.
  describe("npm test: its type check", () => {
    const script = path.join(ROOT, "scripts", "typecheck-incremental.js");
    const { BUILD_INFO } = require(script) as { BUILD_INFO: string };
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-typecheck-"));
      // The project's tsconfig.check.json over one file, with its build info in this directory's node_modules.
      writeProbe(dir, "tsconfig.check.json", path.join(ROOT, "tsconfig.check.json"), { tsBuildInfoFile: BUILD_INFO });
      fs.mkdirSync(path.join(dir, "node_modules", "dep"), { recursive: true });
      fs.writeFileSync(path.join(dir, "node_modules", "dep", "index.d.ts"), "export type Port = number;\n");
      fs.writeFileSync(path.join(dir, "node_modules", ".package-lock.json"), "{}\n");
      setAge(path.join(dir, "node_modules", ".package-lock.json"), 60);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Writes wrong.ts (a second in the future of the last write: build mode reads a file only when it is newer). */
    let clock = 0;
    const write = (source: string) => {
      const file = path.join(dir, "wrong.ts");
      fs.writeFileSync(file, source);
      const at = new Date(Date.now() + ++clock * 1000);
      fs.utimesSync(file, at, at);
    };
    const check = () => {
      const r = spawnSync(process.execPath, [script, "tsconfig.check.json"], { cwd: dir, encoding: "utf8" });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    };
    const builtAt = () => fs.statSync(path.join(dir, BUILD_INFO)).mtimeMs;
    const fails = (r: { status: number | null; output: string }, error = /TS2322: Type 'string' is not assignable to type 'number'/) => {
      assert.ok(r.status !== 0 && r.status !== null, `the check passed: ${r.output}`);
      assert.match(r.output, error);
    };

    it("is npm test's first step, with the project's tsconfig.json and its build info where the script looks", () => {
      assert.match(pkg.scripts.test, /&& node scripts\/typecheck-incremental\.js && mocha /);
      const config = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.check.json"), "utf8"));
      assert.deepStrictEqual(config, { extends: "./tsconfig.json", compilerOptions: { noEmit: true, incremental: true, tsBuildInfoFile: BUILD_INFO.split(path.sep).join("/") } });
    });

    it("fails on a type error from scratch, on the same error again, and on one added after a clean check", function () {
      this.timeout(120000);
      write(WRONG);
      fails(check());
      fails(check());
      write(RIGHT);
      assert.strictEqual(check().status, 0);
      write(WRONG);
      fails(check());
    });

    it("skips the check when nothing changed since a clean one, and checks again after an npm install", function () {
      this.timeout(120000);
      write('import { Port } from "dep";\nexport const port: Port = 80;\n');
      const clean = check();
      assert.strictEqual(clean.status, 0, clean.output);
      const before = builtAt();
      // Build mode does not look at node_modules: a changed package goes unnoticed while the lock file is older ...
      fs.writeFileSync(path.join(dir, "node_modules", "dep", "index.d.ts"), "export type Port = string;\n");
      assert.strictEqual(check().status, 0);
      assert.strictEqual(builtAt(), before, "the unchanged project was checked again");
      // ... and npm rewrites node_modules/.package-lock.json on every install: then everything is checked again.
      setAge(path.join(dir, "node_modules", ".package-lock.json"), -5);
      fails(check(), /TS2322: Type 'number' is not assignable to type 'string'/);
    });
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
