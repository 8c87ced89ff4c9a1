// npm run access: who can reach whom in a set of manifests (access/cli.ts).
import { writeSync } from "fs";
import { runAccess } from "../access/cli";

// Written synchronously: the JSON of a big mesh is hundreds of MB, and an exit must not cut it short.
const sink = (fd: number) => ({ write: (text: string) => void writeSync(fd, text) });
process.exitCode = runAccess(process.argv.slice(2), { out: sink(1), err: sink(2) });
