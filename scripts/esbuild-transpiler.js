// ts-node's custom transpiler for `pulumi up` (tsconfig.pulumi.json, "ts-node".transpiler): esbuild transforms
// each file, where ts-node's own transpile-only mode runs a TypeScript emit per file. Types are not checked here;
// `npm test` and CI check them with tsconfig.json. The interface is ts-node's (dist/transpilers/types.d.ts).
const esbuild = require("esbuild");

exports.create = function create() {
  return {
    transpile(input, { fileName }) {
      const out = esbuild.transformSync(input, {
        loader: fileName.endsWith(".tsx") ? "tsx" : "ts",
        format: "cjs",
        target: "es2022",
        sourcemap: "external",
        sourcefile: fileName,
      });
      return { outputText: out.code, sourceMapText: out.map };
    },
  };
};
