import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** One whole-process run: wall time and the peak resident memory of the process tree's largest process. */
export interface Sample {
  readonly ms: number;
  /** Peak RSS in MB; undefined when it could not be measured. */
  readonly rssMb?: number;
}

export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Exit codes that count as success. @default - [0] */
  readonly okCodes?: readonly number[];
}

const GNU_TIME = "/usr/bin/time";
// Without GNU time, every Node process of the tree reports its own peak RSS on exit (kubectl then has none).
const RSS_REPORTER = path.join(__dirname, "rss-reporter.js");

/** How peak RSS is measured on this machine, for the report. */
export function rssMethod(): string {
  return fs.existsSync(GNU_TIME)
    ? "GNU time %M (max RSS of the process tree's largest process, from wait4)"
    : "process.resourceUsage().maxRSS of each Node process (no /usr/bin/time)";
}

/** Runs a command once, its output discarded unless it fails. Throws with the output when it fails. */
export function runOnce(c: Command): Sample {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-bench-rss-"));
  const rssFile = path.join(dir, "rss");
  try {
    const gnu = fs.existsSync(GNU_TIME);
    const [cmd, args] = gnu ? [GNU_TIME, ["-f", "%M", "-o", rssFile, c.cmd, ...c.args]] : [c.cmd, [...c.args]];
    const env = { ...process.env, ...c.env };
    if (!gnu) {
      env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --require ${RSS_REPORTER}`.trim();
      env.MESH_LAB_BENCH_RSS_FILE = rssFile;
    }
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: c.cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.error) throw r.error;
    if (!(c.okCodes ?? [0]).includes(r.status ?? -1)) {
      throw new Error(
        `${c.cmd} ${c.args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout.slice(-2000)}${r.stderr.slice(-4000)}`,
      );
    }
    const kb = fs.existsSync(rssFile)
      ? Math.max(
          ...fs
            .readFileSync(rssFile, "utf8")
            .split(/\s+/)
            .filter((l) => /^\d+$/.test(l))
            .map(Number),
        )
      : NaN;
    return { ms, rssMb: Number.isFinite(kb) ? kb / 1024 : undefined };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
