// Checks every stack's telemetry tag expressions the way a preview does, without Pulumi or a cluster:
// the same config validation (parseSettings) and the same warnings. For CI and pre-commit.
//
//   npm run check:telemetry [-- --stack NAME ...] [-- --dir PROJECT_DIR]
//
// Exit code: 0 all stacks fine (warnings allowed), 1 a stack has config problems, 2 usage error.
import * as path from "path";
import { parseArgs as parseNodeArgs } from "util";
import { parseSettings } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { listStacks, loadStackConfig } from "../config/project-files";
import { buildPlan } from "../plan/mesh-plan";

const USAGE = "usage: check-telemetry [--stack NAME]... [--dir PROJECT_DIR]";

interface Args {
  readonly dir: string;
  readonly stacks: readonly string[];
}

function parseArgs(argv: readonly string[]): Args | string {
  try {
    const { values } = parseNodeArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { stack: { type: "string", multiple: true }, dir: { type: "string" } },
    });
    const given = [...(values.stack ?? []), ...(values.dir === undefined ? [] : [values.dir])];
    if (given.some((v) => v === "" || v.startsWith("-")))
      return `--${values.dir !== undefined && (values.dir === "" || values.dir.startsWith("-")) ? "dir" : "stack"} needs a value`;
    return {
      dir: values.dir === undefined ? path.resolve(__dirname, "..") : path.resolve(values.dir),
      stacks: values.stack ?? [],
    };
  } catch (e) {
    return (e as Error).message;
  }
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
    console.error(
      `no stack ${unknown.map((s) => `"${s}"`).join(", ")} in ${args.dir}; stacks: ${known.join(", ") || "none"}\n${USAGE}`,
    );
    return 2;
  }
  let failed = false;
  for (const stack of args.stacks.length > 0 ? args.stacks : known) {
    try {
      const settings = parseSettings(stack, loadStackConfig(args.dir, stack).raw);
      const expressions = settings.telemetry.overrides
        .flatMap((o) => Object.values(o.tagOverrides))
        .filter((t) => t.value !== undefined).length;
      console.log(`stack "${stack}": ok, ${expressions} tag expression(s) checked`);
      for (const warning of buildPlan(settings).warnings) console.log(`warning: ${warning}`);
    } catch (e) {
      if (!(e instanceof ConfigError) && !(e instanceof Error)) throw e;
      console.error(e instanceof ConfigError ? e.message : `stack "${stack}": ${e.message}`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
