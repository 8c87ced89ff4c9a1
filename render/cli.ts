import * as path from "path";
import { listStacks } from "../config/project-files";
import { diffTrees } from "./check";
import { ConfigProblems, RenderError, UsageError } from "./errors";
import { readTree, replaceable, WriteHooks, writeTreeAtomically } from "./fs-tree";
import { renderProject } from "./render";
import { GITOPS_DIR, stackPart } from "./tree";

export const USAGE = `usage: npm run render -- [--stack NAME] [--out DIR] [--check]

Renders every stack (Pulumi.<stack>.yaml over the Pulumi.yaml defaults) into ${GITOPS_DIR}/ by running the
Pulumi program in-process: no Pulumi CLI, backend or cluster.

  --stack NAME  only the part of the tree stack NAME uses: base/, the apps/ it runs, clusters/NAME/,
                argocd/NAME.yaml (and README.md). Where objects go still depends on every stack.
  --out DIR     write (or check) the tree under DIR instead of ${GITOPS_DIR}/
  --check       write nothing; print a unified diff and exit 1 when the tree on disk is stale
  --help        this text

exit status: 0 rendered, or up to date; 1 stale (--check); 2 bad usage or config, nothing written;
3 the program registered something that cannot be rendered (invalid, secret, unnamed), nothing written`;

export interface RenderArgs {
  readonly stack?: string;
  readonly out?: string;
  readonly check: boolean;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): RenderArgs {
  const args: { stack?: string; out?: string; check: boolean; help: boolean } = { check: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
    if (flag === "--check" || flag === "--help" || flag === "-h") {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      if (flag === "--check") args.check = true;
      else args.help = true;
    } else if (flag === "--stack" || flag === "--out") {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
      const field = flag === "--stack" ? "stack" : "out";
      if (args[field] !== undefined) throw new UsageError(`${flag} given twice`);
      args[field] = value;
    } else {
      throw new UsageError(`unknown argument "${argv[i]}"`);
    }
  }
  return args;
}

export interface CliOptions {
  /** The project: Pulumi.yaml, the stack files, and the default output `gitops/`. */
  readonly root: string;
  /** What a relative `--out` is relative to. @default - process.cwd() */
  readonly cwd?: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  readonly hooks?: WriteHooks;
}

function only(tree: ReadonlyMap<string, string>, keep: (p: string) => boolean): Map<string, string> {
  return new Map([...tree].filter(([p]) => keep(p)));
}

/** The render command. Returns the exit status; prints diffs on stdout, everything else on stderr. */
export async function main(argv: readonly string[], opts: CliOptions): Promise<number> {
  const stdout = opts.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = opts.stderr ?? ((t: string) => void process.stderr.write(t));
  const started = Date.now();
  try {
    const args = parseArgs(argv);
    if (args.help) {
      stdout(`${USAGE}\n`);
      return 0;
    }
    const outDir = args.out === undefined ? path.join(opts.root, GITOPS_DIR) : path.resolve(opts.cwd ?? process.cwd(), args.out);
    const relative = path.relative(opts.root, outDir);
    const label = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative.split(path.sep).join("/") : outDir;
    const stacks = listStacks(opts.root);
    if (args.stack !== undefined && !stacks.includes(args.stack)) {
      throw new UsageError(`--stack "${args.stack}" is not a stack of this project; stacks: ${stacks.join(", ")} (from Pulumi.<stack>.yaml)`);
    }
    if (!args.check && !replaceable(outDir)) {
      throw new UsageError(`--out ${label}: exists and is not a tree npm run render wrote (no generated README.md); refusing to replace it`);
    }

    const { tree, layout, stacks: rendered } = await renderProject(opts.root);
    for (const s of rendered) {
      if (s.secureKeys.length === 0) continue;
      const keys = s.secureKeys.map((k) => `"${k}"`).join(", ");
      stderr(`note: stack "${s.stack}": ${keys} ${s.secureKeys.length === 1 ? "is" : "are"} encrypted (secure:); the render does not need ${s.secureKeys.length === 1 ? "it" : "them"}, and neither reads nor prints encrypted values\n`);
    }
    const onDisk = readTree(outDir);
    const part = args.stack === undefined ? () => true : stackPart(layout, args.stack);
    const wanted = only(tree, part);
    const scope = args.stack === undefined ? `stacks ${layout.stacks.join(", ")}` : `stack ${args.stack}`;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    if (args.check) {
      const diff = diffTrees(only(onDisk, part), wanted, label);
      if (diff.changed.length === 0) {
        stderr(`render --check: ${label}/ is up to date (${wanted.size} files, ${scope}, ${seconds}s)\n`);
        return 0;
      }
      stdout(diff.patch);
      stderr(`render --check: ${label}/ is stale for ${scope}: ${diff.changed.length} file(s) differ:\n${diff.changed.map((p) => `  ${p}\n`).join("")}Run \`npm run render\` and commit ${label}/.\n`);
      return 1;
    }
    // With --stack, the other stacks' files stay as they are; the whole directory is still swapped at once.
    const next = new Map([...only(onDisk, (p) => !part(p)), ...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const changed = diffTrees(onDisk, next, label).changed.length;
    writeTreeAtomically(outDir, next, opts.hooks);
    stderr(`render: wrote ${label}/ for ${scope}: ${wanted.size} files, ${changed} changed (${seconds}s)\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      stderr(`render: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof ConfigProblems) {
      stderr(`render: bad config, nothing written:\n${e.problems.map((p) => `  - ${p}\n`).join("")}`);
      return 2;
    }
    if (e instanceof RenderError) {
      stderr(`render: the program's objects cannot be rendered, nothing written:\n${e.problems.map((p) => `  - ${p}\n`).join("")}`);
      return 3;
    }
    stderr(`render: failed, nothing written: ${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}
