import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** How Pulumi's Node language host starts a program: the Node arguments and environment it adds. */
export interface Launch {
  /** Pulumi.yaml's `nodeargs`, put before run.js. */
  readonly nodeArgs: string[];
  readonly env: Record<string, string>;
}

/**
 * What pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs` (main.go `parseOptions` and `Run`) derives from the
 * runtime options of Pulumi.yaml: `typescript` (default true) sets PULUMI_NODEJS_TYPESCRIPT=true, `tsconfig` sets
 * PULUMI_NODEJS_TSCONFIG_PATH, and `nodeargs` (split like a shell line, here on spaces: no quotes used) goes
 * before run.js on Node's command line. The Node process starts in the project directory.
 */
export function languageHostLaunch(root: string): Launch {
  const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: Record<string, unknown> } };
  const options = project.runtime?.options ?? {};
  const env: Record<string, string> = {};
  if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (typeof options.tsconfig === "string") env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  const nodeArgs = typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
  return { nodeArgs, env };
}
