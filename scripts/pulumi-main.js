// The program's entry point for `pulumi up` (package.json "main"; Pulumi.yaml sets no `main`, so run.js takes
// this file and the program runs in the project directory). Pulumi.yaml says `typescript: false`: the SDK loads
// neither ts-node nor the TypeScript compiler. tsx (esbuild, with an on-disk cache of what it transformed) loads
// index.ts without a type-check; `npm test` and CI type-check with tsconfig.json. Registered here, after run.js
// has loaded the SDK, so tsx's hooks see only the program's own modules.
require("tsx/cjs/api").register();
module.exports = require("../index.ts");
