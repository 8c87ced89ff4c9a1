// npm run render: render/cli.ts as a command, for the project this file belongs to.
import * as path from "path";
import { runAsCommand } from "../render/cli";

const root = path.resolve(__dirname, "..");
// npm runs scripts from the package root; INIT_CWD is where the user typed the command, so `--out` is relative to it.
runAsCommand(process.argv.slice(2), {
  root,
  cwd: process.env.INIT_CWD ?? process.cwd(),
  buildCacheDir: path.join(root, "node_modules", ".cache", "mesh-lab", "kustomize-builds"),
});
