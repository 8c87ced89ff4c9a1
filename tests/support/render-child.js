// The render CLI as its own process, on the project given first: for tests that SIGKILL a real render or run it
// as another user. Loaded and run as `npm run render` runs it (scripts/render.js): the repository's cached bundle,
// with the same exit handling.
"use strict";
require("module").enableCompileCache?.();
const path = require("path");
const { runRenderCli } = require("../../scripts/bundle");

const [root, ...argv] = process.argv.slice(2);
runRenderCli(path.resolve(__dirname, "..", ".."), argv, { root, cwd: root });
