// The Node 22 guard runs in this process, first: one process less for the command users and CI run most.
import "./require-node22";
import "../components/compile-cache";
import * as path from "path";
import { main } from "../render/cli";

// npm runs scripts from the package root; INIT_CWD is where the user typed the command, so `--out` is relative to it.
const root = path.resolve(__dirname, "..");
const buildCacheDir = path.join(root, "node_modules", ".cache", "mesh-lab", "kustomize-builds");
main(process.argv.slice(2), { root, cwd: process.env.INIT_CWD ?? process.cwd(), buildCacheDir }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 3;
  },
);
