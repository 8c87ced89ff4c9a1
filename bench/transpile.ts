import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * bench/program-start.ts as plain JavaScript under node_modules/.cache, so its process loads ts-node only
 * through the registration it copies from Pulumi's run.js, not through a second one of its own.
 */
export function transpileProgramStart(root: string): string {
  const source = fs.readFileSync(path.join(root, "bench", "program-start.ts"), "utf8");
  const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const file = path.join(root, "node_modules", ".cache", "mesh-lab-bench", "program-start.js");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out.outputText);
  return file;
}
