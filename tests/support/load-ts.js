// mocha's loader (.mocharc.json): tsx for the project's TypeScript, Node's own loader for the packages' JavaScript.
// tsx's CommonJS hook reads every .js file again and, when its text holds "import" or "export" (compiled CommonJS
// does: `exports.`), scans it for ES module syntax before compiling it: about 0.4 s of CPU on the Pulumi SDK in each
// mocha worker. Node 22 requires the packages' ES modules itself (require(esm)), so they need no tsx.
"use strict";
const Module = require("module");
const path = require("path");

const nodeJs = Module._extensions[".js"];
require("tsx/cjs");
const tsxJs = Module._extensions[".js"];
const PACKAGES = `${path.sep}node_modules${path.sep}`;

Module._extensions[".js"] = function loadJs(module, filename) {
  return (filename.includes(PACKAGES) ? nodeJs : tsxJs).call(this, module, filename);
};
