// One render of a project directory, as its own process: `bench/render-project.ts <projectDir> [render args]`.
// The same command as `npm run render` (render/cli.ts main), on a generated fleet instead of the repository.
import * as path from "path";
import { main } from "../render/cli";

const [projectDir, ...argv] = process.argv.slice(2);
if (projectDir === undefined) {
  console.error("usage: bench/render-project.ts <projectDir> [--out DIR] [--check]");
  process.exit(2);
}
main(argv, { root: path.resolve(projectDir), cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 3;
  },
);
