// Ends a forced adoption (mesh-lab:adoptExisting): removes kubectl-client-side-apply's managedFields entries and
// its last-applied annotation, and the apply entries of earlier pulumi-kubernetes resources (a re-added app), from
// every object the stack plans, so the stack's later unforced applies no longer conflict on co-owned fields. Runs kubectl against the stack's kube context.
//
//   npm run adopt:release -- --stack cluster-1            # dry run: say what would be removed, change nothing
//   npm run adopt:release -- --stack cluster-1 --apply    # remove it
//   npm run adopt:release -- --stack cluster-1 --earlier-pulumi-managers   # also a re-added app's old managers
//   npm run adopt:release -- --stack cluster-1 --dir PROJECT_DIR   # a project other than this one
//
// Exit code: 0 done (or nothing to do), 1 a kubectl call failed, 2 usage or config error.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { LAST_APPLIED, LiveObject, releaseOps } from "../components/adoption";
import { planStacks } from "../render/load-stacks";
import { describe, groupOf, KubeObject, versionOf } from "../render/kube-object";

const USAGE =
  "usage: npm run adopt:release -- --stack NAME [--apply] [--earlier-pulumi-managers] [--kubeconfig FILE] [--dir PROJECT_DIR]";

/** kubectl's resource name, qualified by version and group (`deployment.v1.apps`) so no short name is ambiguous. */
function resourceOf(o: KubeObject): string {
  const group = groupOf(o.apiVersion);
  return group === "" ? o.kind.toLowerCase() : `${o.kind.toLowerCase()}.${versionOf(o.apiVersion)}.${group}`;
}

function main(argv: string[]): number {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string" },
        apply: { type: "boolean" },
        kubeconfig: { type: "string" },
        dir: { type: "string" },
        "earlier-pulumi-managers": { type: "boolean" },
      },
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.stack) {
    console.error(`--stack is required\n${USAGE}`);
    return 2;
  }
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  const root =
    values.dir === undefined
      ? path.resolve(__dirname, "..")
      : path.resolve(process.env.INIT_CWD ?? process.cwd(), values.dir);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`--dir "${values.dir}" is not a directory (${root})\n${USAGE}`);
    return 2;
  }
  let stack;
  try {
    [stack] = planStacks(root, [values.stack]);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const kubectl = process.env.KUBECTL ?? "kubectl";
  const base = [
    "--context",
    stack.settings.kubeContext,
    ...(values.kubeconfig ? ["--kubeconfig", values.kubeconfig] : []),
  ];
  let failed = false;
  // Objects whose read failed, by kubectl's message: a context that does not exist or a cluster out of reach fails
  // every read the same way, and is said once with the objects it stopped.
  const unread = new Map<string, KubeObject[]>();
  for (const o of stack.objects) {
    const target = [resourceOf(o), o.name, ...(o.namespace ? ["-n", o.namespace] : [])];
    let live: LiveObject;
    try {
      live = JSON.parse(
        execFileSync(kubectl, [...base, "get", ...target, "-o", "json"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        }),
      ) as LiveObject;
    } catch (e) {
      const message = String((e as { stderr?: string }).stderr ?? e).trim();
      unread.set(message, [...(unread.get(message) ?? []), o]);
      failed = true;
      continue;
    }
    const ops = releaseOps(live, { earlierPulumiManagers: values["earlier-pulumi-managers"] ?? false });
    if (ops.length === 0) {
      console.log(`${describe(o)}: nothing to release`);
      continue;
    }
    // What goes, by name: each removal is guarded by a test of the manager (or annotation) it removes.
    const gone = ops.flatMap((op) =>
      op.op !== "test" ? [] : op.path.endsWith("/manager") ? [`manager ${String(op.value)}`] : [LAST_APPLIED],
    );
    const what = `${ops.filter((op) => op.op === "remove").length} removal(s): ${gone.join(", ")}`;
    if (!values.apply) {
      console.log(`${describe(o)}: would apply ${what}`);
      continue;
    }
    try {
      execFileSync(kubectl, [...base, "patch", ...target, "--type=json", "-p", JSON.stringify(ops)], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      console.log(`${describe(o)}: released (${what})`);
    } catch (e) {
      console.error(`${describe(o)}: patch failed: ${String((e as { stderr?: string }).stderr ?? e).trim()}`);
      failed = true;
    }
  }
  for (const [message, objects] of unread) {
    const which =
      objects.length === 1 ? describe(objects[0]) : `${describe(objects[0])} and ${objects.length - 1} more`;
    console.error(`${which}: cannot read ${objects.length === 1 ? "it" : "them"}: ${message}`);
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
