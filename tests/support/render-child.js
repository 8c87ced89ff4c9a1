// The render CLI as its own process, on the project given first: for tests that SIGKILL a real render or run it
// as another user. Loaded as `npm run render` loads it (scripts/render.js): the repository's cached bundle.
"use strict";
require("module").enableCompileCache?.();
const path = require("path");
const { requireRenderCli } = require("../../scripts/bundle");

const repo = path.resolve(__dirname, "..", "..");
const { main } = requireRenderCli(repo);
const [root, ...argv] = process.argv.slice(2);
main(argv, { root, cwd: root }).then((/** @type {number} */ code) => (process.exitCode = code));
