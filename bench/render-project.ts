// One render of a project directory, as its own process: `bench/render-project.ts <projectDir> [render args]`.
// The same command as `npm run render` (render/cli.ts main), on a generated fleet instead of the repository.
// `--no-build-cache` among the render args builds every overlay (the cold row).
import * as path from "path";
import { main } from "../render/cli";

const [projectDir, ...argv] = process.argv.slice(2);
if (projectDir === undefined) {
  console.error("usage: bench/render-project.ts <projectDir> [--out DIR] [--check]");
  process.exit(2);
}
// The fleet's own build cache, beside its stack files, as node_modules/.cache is beside the repository's.
const root = path.resolve(projectDir);
main(argv, { root, cwd: process.cwd(), buildCacheDir: path.join(root, ".build-cache") }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 3;
  },
);
