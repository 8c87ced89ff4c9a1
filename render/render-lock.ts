import * as fs from "fs";
import * as path from "path";
import { Refusal as UsageError } from "./errors";

/** The lock file inside the output directory: created exclusively, holding the writer's pid. */
export const LOCK_FILE = ".render.lock";

/** True when a process with this pid exists (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the output directory's lock, or throws a UsageError (exit 2) naming the render that holds it. A lock
 * left by a killed render (its pid is dead) is removed and taken. Returns the function that releases it.
 */
export function takeLock(dir: string, label: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o644 });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM" || code === "EROFS")
        throw new UsageError(`${label}/ is not writable (${(e as Error).message})`);
      if (code !== "EEXIST") throw e;
    }
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (st === undefined) continue;
    if (!st.isFile())
      throw new UsageError(`${label}/${LOCK_FILE} is not a regular file; refusing to follow or replace it`);
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    if (pidAlive(pid)) {
      throw new UsageError(
        `another render (pid ${pid}) is writing ${label}/ (it holds ${label}/${LOCK_FILE}); wait for it to finish and run this one again`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new UsageError(`could not take ${label}/${LOCK_FILE}: other renders keep taking it`);
}
