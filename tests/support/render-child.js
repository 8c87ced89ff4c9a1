// The render CLI as its own process, on the project given first: for tests that SIGKILL a real render or run it
// as another user. Loaded and run as `npm run render` runs it (scripts/render.js): the repository's cached bundle,
// with the same exit handling and an overlay build cache.
"use strict";
require("module").enableCompileCache?.();
const path = require("path");
const { runRenderCli } = require("../../scripts/bundle");

const cache = require("./test-build-cache.json");

const [root, ...argv] = process.argv.slice(2);
const repo = path.resolve(__dirname, "..", "..");
// The tests' overlay build cache (render-project.ts), as npm run render uses the user's.
runRenderCli(repo, argv, { root, cwd: root, buildCacheDir: path.join(repo, cache.dir), buildCacheEntries: cache.entriesPerStack });
