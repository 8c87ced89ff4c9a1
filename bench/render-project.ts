// `node --require tsx/cjs bench/render-project.ts <projectDir> [render args]`: the render CLI (the same entry as
// `npm run render`) on a generated fleet. Its overlay build cache sits beside the fleet's stack files, as the
// repository's sits in its node_modules/.cache.
import * as path from "path";
import { runAsCommand } from "../render/cli";

const [dir, ...argv] = process.argv.slice(2);
const root = path.resolve(dir);
runAsCommand(argv, { root, cwd: process.cwd(), buildCacheDir: path.join(root, ".build-cache") });
