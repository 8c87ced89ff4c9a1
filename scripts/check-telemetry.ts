// Checks every stack's telemetry tag expressions the way a preview does, without Pulumi or a cluster:
// the same config validation (parseSettings) and the same warnings. For CI and pre-commit.
//
//   npm run check:telemetry [-- --stack NAME ...] [-- --dir PROJECT_DIR]
//
// Exit code: 0 all stacks fine (warnings allowed), 1 a stack has config problems, 2 usage error.
import * as path from "path";
import { parseSettings } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { listStacks, loadStackConfig } from "../config/project-files";
import { telemetryWarnings } from "../config/telemetry-warnings";

const USAGE = "usage: check-telemetry [--stack NAME]... [--dir PROJECT_DIR]";

interface Args {
  readonly dir: string;
  readonly stacks: readonly string[];
}

function parseArgs(argv: readonly string[]): Args | string {
  let dir = path.resolve(__dirname, "..");
  const stacks: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === "--stack" || flag === "--dir") && (value === undefined || value.startsWith("--"))) return `${flag} needs a value`;
    if (flag === "--stack") stacks.push(value);
    else if (flag === "--dir") dir = path.resolve(value);
    else return `unknown argument "${flag}"`;
    i++;
  }
  return { dir, stacks };
}

function main(argv: readonly string[]): number {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  let known: string[];
  try {
    known = listStacks(args.dir);
  } catch (e) {
    console.error(`cannot list the stacks in ${args.dir}: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const unknown = args.stacks.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    console.error(`no stack ${unknown.map((s) => `"${s}"`).join(", ")} in ${args.dir}; stacks: ${known.join(", ") || "none"}\n${USAGE}`);
    return 2;
  }
  let failed = false;
  for (const stack of args.stacks.length > 0 ? args.stacks : known) {
    try {
      const settings = parseSettings(stack, loadStackConfig(args.dir, stack).raw);
      const expressions = settings.telemetry.overrides.flatMap((o) => Object.values(o.tagOverrides)).filter((t) => t.value !== undefined).length;
      console.log(`stack "${stack}": ok, ${expressions} tag expression(s) checked`);
      for (const warning of telemetryWarnings(settings)) console.log(`warning: ${warning}`);
    } catch (e) {
      if (!(e instanceof ConfigError) && !(e instanceof Error)) throw e;
      console.error(e instanceof ConfigError ? e.message : `stack "${stack}": ${e.message}`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
