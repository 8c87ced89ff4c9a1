import { ProcessResult } from "./spawn";

/**
 * Runs a CLI script of scripts/ in this process, as `node script args...` would: the script reads
 * `process.argv`, prints with console.log/console.error and sets `process.exitCode`. Starting a process costs a
 * ts-node start and a fresh compile of the whole config stack (seconds on this machine); the suite keeps one
 * real process per script for the wiring, and runs the other cases here.
 */
export function runScript(script: string, args: readonly string[]): ProcessResult {
  const saved = { argv: process.argv, exitCode: process.exitCode, log: console.log, error: console.error };
  let stdout = "";
  let stderr = "";
  const line = (...parts: unknown[]) => `${parts.map(String).join(" ")}\n`;
  process.argv = [process.execPath, script, ...args];
  process.exitCode = undefined;
  console.log = (...parts: unknown[]) => void (stdout += line(...parts));
  console.error = (...parts: unknown[]) => void (stderr += line(...parts));
  try {
    delete require.cache[require.resolve(script)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- runs the script module afresh, as node would
    require(script);
    return { status: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    process.argv = saved.argv;
    process.exitCode = saved.exitCode;
    console.log = saved.log;
    console.error = saved.error;
  }
}
