import * as fs from "fs";
import * as path from "path";
import { parseArgs as parseNodeArgs } from "util";
import { duplicateStackFiles, listStacks } from "../config/project-files";
import { checkOutDir } from "./out-dir";
import { ConfigProblems, Refusal, RenderError, UsageError } from "./errors";
import { readManifest, strayFiles } from "./ownership";
import { GITOPS_DIR, sortedTree, stackPart } from "./files";
import { buildOverlays } from "./kustomize-build";
import { findKubectl } from "./kubectl";
import { renderProject } from "./pipeline";
import { diffTrees } from "./tree-diff";
import {
  centralApplicationSetsNote,
  movingNote,
  movingStacks,
  partialWriteMessage,
  encryptedKeysNote,
  fluxSshWithoutSecretNote,
  installWithoutArgoNote,
  placeholderRepoNote,
  rmdirIfEmpty,
  sharedLayerProblems,
  stacksLabel,
} from "./cli-messages";
import { cleanupOnInterrupt } from "./interrupt";
import { takeLock } from "./render-lock";
import { PartialWrite, readOwnedTree, resolveOut, WriteHooks, writeOwnedTree } from "./tree-writer";

export const USAGE = `usage: npm run render -- [--stack NAME] [--out DIR] [--check] [--no-build-cache]

Renders every stack (Pulumi.<stack>.yaml over the Pulumi.yaml defaults) into ${GITOPS_DIR}/ from the same plan
pulumi up deploys: no Pulumi CLI, backend or cluster.

  --stack NAME  only the part of the tree stack NAME uses: clusters/NAME/, tenants/NAME/, the base/ and apps/
                its units include, its Argo CD and Flux files (and README.md). Where objects go still depends
                on every stack.
  --out DIR     write (or check) the tree under DIR instead of ${GITOPS_DIR}/
  --check       write nothing; print a unified diff and exit 1 when the tree on disk is stale
  --no-build-cache
                build every unit with kubectl, the same units of two stacks too, neither reading nor
                filling the build cache
  --help        this text

Every unit (clusters/<stack>/, tenants/<stack>/<app>/) is built with kubectl kustomize ($KUBECTL, or kubectl
on PATH) before anything is written. A unit whose files and kubectl are unchanged since its last successful
build is not built again: what that build printed (kept in node_modules/.cache/mesh-lab/kustomize-builds) is
checked against the plan instead. A unit that reads the same files as another stack's (the same app, the same on
two clusters) is built once, and the build checked against each stack's plan.

It writes only the files it owns (listed in DIR/.rendered-files); anything else in DIR is never read or changed.
A file it did not write in a directory it writes is left as it is, reported, and fails --check. --out refuses
the file system's root, system directories, the home directory, the project and any directory above it or
above the current one, and any directory inside an existing rendered tree.

exit status: 0 rendered, or up to date; 1 stale (--check); 2 bad usage or config, or an output it must not touch
(a foreign file where it writes, a symlink, another render's lock, a refused --out), nothing written; 3 the plan cannot be rendered
(schema-invalid, units that do not build to their stack, --stack changing another stack's units), nothing
written, or writing failed part-way (what was and was not written is listed)`;

export interface RenderArgs {
  readonly stack?: string;
  readonly out?: string;
  readonly check: boolean;
  readonly buildCache: boolean;
  readonly help: boolean;
}

/** The render's flags, parsed by Node's own parser (`--flag value` and `--flag=value`). */
export function parseArgs(argv: readonly string[]): RenderArgs {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: {
        stack: { type: "string" },
        out: { type: "string" },
        check: { type: "boolean" },
        "no-build-cache": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== "option") continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} given twice`);
    seen.add(t.name);
  }
  const { stack, out, check, help } = parsed.values;
  const noBuildCache = parsed.values["no-build-cache"] ?? false;
  for (const [flag, value] of [
    ["--stack", stack],
    ["--out", out],
  ] as const) {
    if (value !== undefined && (value === "" || value.startsWith("-"))) throw new UsageError(`${flag} needs a value`);
  }
  return { stack, out, check: check ?? false, buildCache: !noBuildCache, help: help ?? false };
}

export interface CliOptions {
  /** The project: Pulumi.yaml, the stack files, and the default output `gitops/`. */
  readonly root: string;
  /** What a relative `--out` is relative to. @default - process.cwd() */
  readonly cwd?: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  readonly hooks?: WriteHooks;
  /** The environment `kubectl` is looked up in. @default - process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where unit builds are kept between runs (render/build-cache.ts); none: every unit is built. */
  readonly buildCacheDir?: string;
}

function only(tree: ReadonlyMap<string, string>, keep: (p: string) => boolean): Map<string, string> {
  return new Map([...tree].filter(([p]) => keep(p)));
}

/** The render command. Returns the exit status; prints diffs on stdout, everything else on stderr. */
export async function main(argv: readonly string[], opts: CliOptions): Promise<number> {
  const stdout = opts.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = opts.stderr ?? ((t: string) => void process.stderr.write(t));
  const started = Date.now();
  let label = "";
  try {
    const args = parseArgs(argv);
    if (args.help) {
      stdout(`${USAGE}\n`);
      return 0;
    }
    const outDir =
      args.out === undefined ? path.join(opts.root, GITOPS_DIR) : path.resolve(opts.cwd ?? process.cwd(), args.out);
    const relative = path.relative(opts.root, outDir);
    label =
      relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)
        ? relative.split(path.sep).join("/")
        : outDir;
    if (args.out !== undefined)
      checkOutDir(
        outDir,
        { root: opts.root, cwd: opts.cwd ?? process.cwd(), home: (opts.env ?? process.env).HOME },
        args.out,
      );
    const twice = duplicateStackFiles(opts.root);
    if (twice.length > 0) throw new ConfigProblems(twice);
    const stacks = listStacks(opts.root);
    if (args.stack !== undefined && !stacks.includes(args.stack)) {
      throw new UsageError(
        `--stack "${args.stack}" is not a stack of this project; stacks: ${stacks.join(", ")} (from Pulumi.<stack>.yaml)`,
      );
    }

    const { tree, layout, stacks: rendered } = await renderProject(opts.root);
    // Every stack is planned (the tree is one), but with --stack only that stack's warnings and notes are said.
    const scoped = rendered.filter((r) => args.stack === undefined || r.stack === args.stack);
    // Each warning names its stack and key already.
    for (const s of scoped) for (const w of s.warnings) stderr(`warning: ${w}\n`);
    stderr(encryptedKeysNote(scoped));
    // Only files the render owns are read, and a file it does not own where it would write one is refused.
    const existing = resolveOut(outDir);
    if (existing !== undefined && !fs.statSync(existing).isDirectory())
      throw new Refusal(`${label} exists and is not a directory; refusing to replace it`);
    const created = !args.check && existing === undefined;
    if (created) fs.mkdirSync(outDir, { recursive: true, mode: 0o755 });
    const unlock = args.check ? () => {} : takeLock(resolveOut(outDir)!, label);
    // Interrupted (Ctrl-C, kill), the render releases the lock and removes a directory it created empty, as it does
    // when it ends; a write already under way completes first (it is synchronous), so the tree stays whole.
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      unlock();
      // A render that wrote nothing leaves no empty directory it created behind.
      if (created) rmdirIfEmpty(outDir);
    };
    try {
      return await cleanupOnInterrupt(leave, async () => {
        const onDisk = readOwnedTree(outDir, label, tree.keys());
        const part = args.stack === undefined ? () => true : stackPart(layout, args.stack);
        const wanted = only(tree, part);
        const scope = args.stack === undefined ? stacksLabel(layout.stacks) : `stack ${args.stack}`;
        // With --stack, the other stacks' files stay as they are; what is checked and built is the merged tree.
        const next = sortedTree([...only(onDisk, (p) => !part(p)), ...wanted]);

        const kubectl = findKubectl(opts.env ?? process.env);
        let built = "";
        if (kubectl === undefined) {
          stderr(
            `note: kubectl is not on PATH (nor $KUBECTL): the units were not built; the tree is not proven to build\n`,
          );
        } else {
          const checked = args.check ? tree : next;
          // A stack the tree does not hold (another stack's, never rendered into this --out) has nothing to build.
          const present = rendered.filter((s) => checked.has(`clusters/${s.stack}/kustomization.yaml`));
          const report = await buildOverlays(
            kubectl,
            checked,
            present,
            args.buildCache ? opts.buildCacheDir : undefined,
          );
          const problems = report.problems;
          if (problems.length > 0)
            throw new RenderError(args.check ? problems : sharedLayerProblems(problems, args.stack, layout.stacks));
          const reused = [
            ...(report.cached > 0 ? [`${report.cached} from the build cache`] : []),
            ...(report.shared > 0 ? [`${report.shared} the same as another stack's unit, built once`] : []),
          ];
          const how = reused.length > 0 ? ` (${[`${report.built} built`, ...reused].join("; ")})` : "";
          built = `, ${report.built + report.cached + report.shared} unit(s) of ${present.length} stack(s) checked with kubectl kustomize${how}`;
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);

        const real = resolveOut(outDir);
        // Files the manifest lists are the render's, kept or about to be deleted: not strays.
        const owned = real === undefined ? [] : [...(readManifest(real, label) ?? [])];
        const strays =
          real === undefined ? [] : strayFiles(real, [...(args.check ? tree.keys() : next.keys()), ...owned]);
        const strayList = strays.map((p) => `  ${label}/${p}\n`).join("");
        const strayCount = `${strays.length} ${strays.length === 1 ? "path" : "paths"} the render did not write (a directory ends in /)`;
        // `flux bootstrap --path` at a stack's Flux directory writes Flux's own files to flux-system/ there.
        const bootstrapped = strays.some((p) => /^flux\/[^/]+\/flux-system\/$/.test(p))
          ? `A flux-system/ directory in flux/<stack>/ is what \`flux bootstrap --path\` writes: that directory's kustomization.yaml does not list it, so Flux would stop applying itself; bootstrap at a path of its own and apply flux/<stack>/ from there (docs/gitops.md, "Flux in each cluster").\n`
          : "";
        const moving = movingStacks(owned, args.check ? tree : next);
        if (moving.length > 0) stderr(movingNote(moving, label));
        stderr(centralApplicationSetsNote(owned, args.check ? tree : next, rendered, label));
        stderr(placeholderRepoNote(scoped, label));
        stderr(installWithoutArgoNote(scoped, label));
        stderr(fluxSshWithoutSecretNote(scoped));
        if (args.check) {
          const diff = diffTrees(only(onDisk, part), wanted, label);
          if (strays.length > 0) {
            stderr(
              `render --check: ${strayCount} in directories it writes:\n${strayList}The render leaves them as they are. In a directory without a kustomization.yaml Flux applies every YAML file, below too; where there is one, a hand edit could list them. Move them out of ${label}/, or keep your own objects in a directory of their own.\n${bootstrapped}`,
            );
          }
          if (diff.changed.length === 0 && strays.length === 0) {
            stderr(`render --check: ${label}/ is up to date (${wanted.size} files, ${scope}${built}, ${seconds}s)\n`);
            return 0;
          }
          if (diff.changed.length === 0) return 1;
          stdout(diff.patch);
          stderr(
            `render --check: ${label}/ is stale (checked for ${scope}): ${diff.changed.length} file(s) differ:\n${diff.changed.map((p) => `  ${p}\n`).join("")}Run \`npm run render\` and commit ${label}/.\n`,
          );
          return 1;
        }
        if (strays.length > 0)
          stderr(
            `note: ${strayCount} in directories it writes; left as they are (\`npm run render -- --check\` fails on them):\n${strayList}${bootstrapped}`,
          );
        const touched = writeOwnedTree(outDir, next, label, opts.hooks);
        // What it no longer renders is removed, and said apart: "N files, M changed" never counts it.
        const removed = touched.filter((rel) => !next.has(rel)).length;
        const changed = `${touched.length - removed} changed${removed > 0 ? `, ${removed} removed` : ""}`;
        stderr(`render: wrote ${label}/ for ${scope}: ${wanted.size} files, ${changed}${built} (${seconds}s)\n`);
        return 0;
      });
    } finally {
      leave();
    }
  } catch (e) {
    if (e instanceof PartialWrite) {
      stderr(partialWriteMessage(e, label));
      return 3;
    }
    if (e instanceof Refusal) {
      stderr(`render: ${e.message}; nothing written\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      stderr(`render: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof ConfigProblems) {
      stderr(`render: bad config, nothing written:\n${e.problems.map((p) => `  - ${p}\n`).join("")}`);
      return 2;
    }
    if (e instanceof RenderError) {
      stderr(`render: the plan cannot be rendered, nothing written:\n${e.problems.map((p) => `  - ${p}\n`).join("")}`);
      return 3;
    }
    stderr(`render: failed, nothing written: ${(e as Error).stack ?? String(e)}\n`);
    return 3;
  }
}

/** Runs `main` as this process's command: its status becomes the exit code; an unexpected failure exits 3. */
export function runAsCommand(argv: readonly string[], opts: CliOptions): void {
  main(argv, opts).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 3;
    },
  );
}
