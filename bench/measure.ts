import { spawnSync } from "child_process";
import * as fs from "fs";

/** The value after `name` among the command-line arguments, or `fallback` without it. */
export function flag(args: readonly string[], name: string, fallback: string): string {
  return args.includes(name) ? args[args.indexOf(name) + 1] : fallback;
}

/** The middle sample; the lower of the two middle ones for an even count. */
export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const GNU_TIME = "/usr/bin/time";

/**
 * Runs a whole command once, output discarded: its wall time in seconds, and with `rss` its peak resident memory
 * in MB, from GNU time, where the machine has it. Throws with the end of its output when it fails.
 */
export function runOnce(argv: readonly string[], cwd: string, rss = false): { seconds: number; mb?: number } {
  const gnu = rss && fs.existsSync(GNU_TIME);
  const full = gnu ? [GNU_TIME, "-f", "%M", ...argv] : [...argv];
  const start = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), {
    cwd,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status ?? r.signal}:\n${r.stderr.slice(-4000)}`);
  const kb = gnu ? Number(r.stderr.trim().split("\n").pop()) : NaN;
  return { seconds, ...(Number.isFinite(kb) ? { mb: kb / 1024 } : {}) };
}
