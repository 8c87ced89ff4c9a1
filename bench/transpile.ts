import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * `bench/<name>.ts` as plain JavaScript under node_modules/.cache (where it still resolves the project's
 * packages), so that its process loads no TypeScript loader of its own: program-start.ts loads ts-node only
 * through the registration it copies from Pulumi's run.js; cdk8s-synth.ts runs as a compiled cdk8s app would.
 */
export function transpileBenchFile(root: string, name: string): string {
  const source = fs.readFileSync(path.join(root, "bench", `${name}.ts`), "utf8");
  const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const file = path.join(root, "node_modules", ".cache", "mesh-lab-bench", `${name}.js`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out.outputText);
  return file;
}

export const transpileProgramStart = (root: string): string => transpileBenchFile(root, "program-start");
