// npm run access: who can reach whom in a set of manifests (access/cli.ts).
import { writeSync } from "fs";
import { runAccess } from "../access/cli";

// npm runs scripts from the package root; INIT_CWD is where the user typed the command, so paths are relative to it.
process.chdir(process.env.INIT_CWD ?? process.cwd());
// Written synchronously: the JSON of a big mesh is hundreds of MB, and an exit must not cut it short.
const sink = (fd: number) => ({ write: (text: string) => void writeSync(fd, text) });
process.exitCode = runAccess(process.argv.slice(2), { out: sink(1), err: sink(2) });
