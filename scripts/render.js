// npm run render: plain JavaScript, so that no TypeScript loader starts. The Node 22 guard runs first, in this
// process; then Node's compile cache goes on and the render CLI (render/cli.ts) loads as one esbuild bundle,
// built on the first run and again only when a file it is made of changes (scripts/bundle.js).
"use strict";
require("./require-node22");
require("module").enableCompileCache?.();
const path = require("path");
const { cacheRoot, runRenderCli } = require("./bundle");

// npm runs scripts from the package root; INIT_CWD is where the user typed the command, so `--out` is relative to it.
const root = path.resolve(__dirname, "..");
runRenderCli(root, process.argv.slice(2), { root, cwd: process.env.INIT_CWD ?? process.cwd(), buildCacheDir: path.join(cacheRoot(root), "kustomize-builds") });
