import * as fs from "fs";
import * as path from "path";
import { Refusal } from "./errors";
import { MANIFEST } from "./ownership";

/** Directories no render may write into, nor into anything under them. */
const SYSTEM_TREES = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib32",
  "/lib64",
  "/proc",
  "/run",
  "/sbin",
  "/sys",
  "/usr",
];
/** Directories that hold other people's trees: refused themselves, a directory inside them is fine. */
const SHARED_ROOTS = ["/", "/home", "/media", "/mnt", "/opt", "/root", "/srv", "/tmp", "/var", "/var/tmp"];

export interface OutContext {
  /** The project (Pulumi.yaml's directory). */
  readonly root: string;
  /** Where the user ran the command. */
  readonly cwd: string;
  /** The user's home directory. @default - process.env.HOME */
  readonly home?: string;
}

/** `p` with symlinks resolved as far as it exists, the rest appended: where a write would really land. */
function realish(p: string): string {
  const missing: string[] = [];
  let at = path.resolve(p);
  while (!fs.existsSync(at) && path.dirname(at) !== at) {
    missing.unshift(path.basename(at));
    at = path.dirname(at);
  }
  return path.join(fs.realpathSync(at), ...missing);
}

const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(parent === "/" ? "/" : `${parent}/`);

/**
 * Refuses (exit 2, before anything is written) an output directory where a rendered tree would mix with, or
 * replace files of, something else: the file system's root and system directories, the home directory, the
 * project or any directory above it or above the current directory, and any directory inside an existing
 * rendered tree (one of its ancestors holds the render's manifest).
 */
export function checkOutDir(outDir: string, ctx: OutContext, label: string): void {
  // Where it really lands, and as written (/etc is /private/etc on macOS: both are refused).
  const out = realish(outDir);
  const asWritten = path.resolve(outDir);
  const refuse = (why: string) => {
    throw new Refusal(`--out ${label} is ${why}; refusing to write a tree there`);
  };
  const system = SYSTEM_TREES.find((d) => inside(out, d) || inside(asWritten, d));
  if (system !== undefined)
    refuse(out === system || asWritten === system ? "a system directory" : `inside the system directory ${system}`);
  if (out === "/" || asWritten === "/") refuse("the file system's root");
  const home = ctx.home ?? process.env.HOME;
  if (home !== undefined && home !== "" && out === realish(home)) refuse("the home directory");
  const project = realish(ctx.root);
  if (inside(project, out)) refuse(out === project ? "the project directory" : "a directory above the project");
  const cwd = realish(ctx.cwd);
  if (inside(cwd, out) && out !== cwd) refuse("a directory above the current one");
  const shared = [out, asWritten].find((d) => SHARED_ROOTS.includes(d));
  if (shared !== undefined) refuse(`${shared}, a directory shared by others`);
  for (let d = path.dirname(out); d !== path.dirname(d); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, MANIFEST))) refuse(`inside the rendered tree ${d}`);
  }
}
