// One render of a project directory, as its own process: `node bench/render-project.js <projectDir> [render args]`.
// The same code, loaded the same way, as `npm run render` (scripts/render.js: render/cli.ts main, from the
// repository's bundle), on a generated fleet instead of the repository. `--no-build-cache` builds every overlay.
"use strict";
require("module").enableCompileCache?.();
const path = require("path");
const { runRenderCli } = require("../scripts/bundle");

const [projectDir, ...argv] = process.argv.slice(2);
if (projectDir === undefined) {
  console.error("usage: node bench/render-project.js <projectDir> [--out DIR] [--check]");
  process.exit(2);
}
// The fleet's own build cache, beside its stack files, as node_modules/.cache is beside the repository's.
const root = path.resolve(projectDir);
runRenderCli(path.resolve(__dirname, ".."), argv, { root, cwd: process.cwd(), buildCacheDir: path.join(root, ".build-cache") });
