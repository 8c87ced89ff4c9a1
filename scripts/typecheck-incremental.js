// npm test's type check: tsconfig.json's check in TypeScript's build mode (`tsc -b tsconfig.check.json`), which
// skips the whole check when no file of the project changed since a check without errors (its build info, in
// node_modules/.cache/mesh-lab, records the hash of every file it read and whether it found errors).
// Build mode compares the project's own files only, not those it reads from node_modules
// (typescript/lib/typescript.js, getUpToDateStatusWorker); so after an npm install, which rewrites
// node_modules/.package-lock.json (npm's arborist, reify.js), or where that file is missing, it checks everything
// again (`--force`). Nor does it look at JSON modules, which the project does not import. `npm run typecheck`
// always checks from scratch.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const BUILD_INFO = path.join("node_modules", ".cache", "mesh-lab", "tsc-check.tsbuildinfo");
const INSTALLED = path.join("node_modules", ".package-lock.json");

/** True when the packages may have changed since the last check of the project in `dir`. */
function installedSinceLastCheck(dir) {
  const checked = mtime(path.join(dir, BUILD_INFO));
  if (checked === undefined) return false; // no build info: tsc checks everything anyway
  const installed = mtime(path.join(dir, INSTALLED));
  return installed === undefined || installed >= checked;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Runs the check of `config` (a tsconfig in the project's root directory); returns tsc's exit status. */
function typecheck(config) {
  const dir = path.dirname(path.resolve(config));
  const args = [require.resolve("typescript/bin/tsc"), "-b", config, ...(installedSinceLastCheck(dir) ? ["--force"] : [])];
  const r = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (r.error) console.error(`typecheck: could not run tsc: ${r.error.message}`);
  return r.status ?? 1;
}

if (require.main === module) process.exitCode = typecheck(process.argv[2] ?? "tsconfig.check.json");

module.exports = { BUILD_INFO };
