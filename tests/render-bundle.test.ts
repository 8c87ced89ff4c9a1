import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./support/stacks";

// `npm run render` loads render/cli.ts as one esbuild bundle (scripts/bundle.js), built again only when a file
// it is made of changes. A stale bundle would render from old code, so every way an input changes is tried.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { requireBundled } = require("../scripts/bundle") as {
  requireBundled: (root: string, entry: string, cacheDir: string) => { exports: Record<string, unknown>; built: boolean; file: string };
};

describe("render: the bundle npm run render loads", () => {
  let root: string;
  let cache: string;
  const write = (rel: string, text: string) => fs.writeFileSync(path.join(root, rel), text);
  const load = () => requireBundled(root, "entry.ts", cache);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-bundle-"));
    cache = path.join(root, "cache");
    // A package of its own (the test changes its files) and the repository's esbuild, whose version is in the key.
    fs.mkdirSync(path.join(root, "node_modules", "greet"), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules", "esbuild"), path.join(root, "node_modules", "esbuild"));
    write("node_modules/greet/package.json", '{ "name": "greet", "version": "1.0.0", "main": "index.js" }\n');
    write("node_modules/greet/index.js", 'exports.greet = (v) => `value: ${v}\\n`;\n');
    write("tsconfig.json", "{}\n");
    write("entry.ts", 'import { value } from "./dep";\nimport { greet } from "greet";\nexport const out: string = greet(value);\n');
    write("dep.ts", "export const value: number = 1;\n");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("builds on the first run, then loads the same file without building", () => {
    const first = load();
    assert.strictEqual(first.built, true);
    assert.strictEqual(first.exports.out, "value: 1\n");
    const second = load();
    assert.deepStrictEqual([second.built, second.file], [false, first.file]);
  });

  it("builds again when a project file it imports changes, and removes the stale bundle", () => {
    const first = load();
    write("dep.ts", "export const value: number = 2;\n");
    const second = load();
    assert.strictEqual(second.built, true);
    assert.strictEqual(second.exports.out, "value: 2\n");
    assert.ok(!fs.existsSync(first.file), "the stale bundle is gone");
    assert.deepStrictEqual(fs.readdirSync(cache).sort(), ["entry.json", path.basename(second.file), `${path.basename(second.file)}.map`].sort());
  });

  it("keeps a source map beside the bundle: with --enable-source-maps a stack trace names the .ts line", () => {
    write("dep.ts", 'export const value: number = 1;\nexport function boom(): never {\n  throw new Error("boom");\n}\n');
    write("entry.ts", 'import { boom } from "./dep";\nexport const fail = (): never => boom();\n');
    const { file } = load();
    const trace = (...flags: string[]) => spawnSync(process.execPath, [...flags, "-e", `require(${JSON.stringify(file)}).fail()`], { encoding: "utf8" }).stderr;
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    assert.match(trace("--enable-source-maps"), new RegExp(`at boom \\(${escape(path.join(root, "dep.ts"))}:3:`));
    assert.match(trace(), new RegExp(`at boom \\(${escape(file)}:`), "without the flag it points into the bundle");
  });

  it("builds again when tsconfig.json changes, or a package file it bundles is touched or rewritten", () => {
    const first = load();
    write("tsconfig.json", '{ "compilerOptions": { "target": "es2022" } }\n');
    const afterTsconfig = load();
    assert.strictEqual(afterTsconfig.built, true);
    assert.notStrictEqual(afterTsconfig.file, first.file);
    // A package input is keyed by path, size and modification time (what `npm ci` changes), not read.
    const index = JSON.parse(fs.readFileSync(path.join(cache, "entry.json"), "utf8")) as { inputs: string[] };
    assert.ok(index.inputs.includes("node_modules/greet/index.js"), `the package is among the inputs: ${index.inputs.join(", ")}`);
    const abs = path.join(root, "node_modules/greet/index.js");
    const { atime, mtime } = fs.statSync(abs);
    fs.utimesSync(abs, atime, new Date(mtime.getTime() + 1000));
    assert.strictEqual(load().built, true);
    write("node_modules/greet/index.js", 'exports.greet = (v) => `greeted: ${v}\\n`;\n');
    assert.strictEqual(load().exports.out, "greeted: 1\n");
  });

  it("builds again when its bundle file or its index is missing or unreadable", () => {
    const first = load();
    fs.rmSync(first.file);
    assert.strictEqual(load().built, true);
    fs.writeFileSync(path.join(cache, "entry.json"), "{ not json");
    assert.strictEqual(load().built, true);
    fs.writeFileSync(path.join(cache, "entry.json"), JSON.stringify({ key: 1, inputs: [] }));
    assert.strictEqual(load().built, true);
    // An index whose input is gone has no key, even if a bundle is filed under the empty key.
    fs.writeFileSync(path.join(cache, "entry.json"), JSON.stringify({ key: "", inputs: ["gone.ts"] }));
    fs.writeFileSync(path.join(cache, "entry-.js"), "exports.out = 'stale';\n");
    assert.deepStrictEqual([load().built, load().exports.out], [true, "value: 1\n"]);
    assert.strictEqual(load().built, false);
  });

  it("builds again when an input is gone (a file renamed or deleted)", () => {
    write("entry.ts", 'import { value } from "./other";\nexport const out = String(value);\n');
    write("other.ts", "export const value = 3;\n");
    load();
    fs.renameSync(path.join(root, "other.ts"), path.join(root, "moved.ts"));
    write("entry.ts", 'import { value } from "./moved";\nexport const out = String(value);\n');
    const again = load();
    assert.deepStrictEqual([again.built, again.exports.out], [true, "3"]);
  });

  it("fails with esbuild's message, naming the file, when a file does not parse; nothing is cached", () => {
    write("dep.ts", "export const value = ;\n");
    assert.throws(load, /dep\.ts:1:\d+: ERROR/);
    assert.ok(!fs.existsSync(cache) || fs.readdirSync(cache).every((f) => !f.endsWith(".js")));
  });

  it("loads from a temp directory, and writes nothing, when it may not write the cache (a read-only node_modules)", function () {
    // Root writes anywhere: as root the load runs as nobody (setpriv), who must then reach the files it reads.
    const root0 = process.getuid?.() === 0;
    for (let dir = ROOT; root0 && dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if ((fs.statSync(dir).mode & 0o001) === 0) {
        console.log(`      SKIPPED (read-only cache): ${dir} is not searchable by other users, so nobody cannot load the project`);
        this.skip();
      }
    }
    fs.chmodSync(root, 0o755);
    fs.mkdirSync(cache, { mode: 0o555 });
    fs.chmodSync(cache, 0o555);
    const script = `const r = require(${JSON.stringify(path.join(ROOT, "scripts", "bundle.js"))}).requireBundled(${JSON.stringify(root)}, "entry.ts", ${JSON.stringify(cache)}); console.log(JSON.stringify([r.built, r.exports.out, require("fs").existsSync(r.file)]))`;
    const node = [process.execPath, "-e", script];
    const argv = root0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...node] : node;
    const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
    assert.strictEqual(r.status, 0, r.stderr);
    // Built, loaded, and its temp directory already removed when the process exited.
    assert.deepStrictEqual(JSON.parse(r.stdout), [true, "value: 1\n", true]);
    assert.deepStrictEqual(fs.readdirSync(cache), []);
  });
});
