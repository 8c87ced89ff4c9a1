import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface MatrixEntry {
  readonly stack: string;
  readonly kubeconfigSecret: string;
}

function git(dir: string, ...args: string[]): string {
  const r = spawnSync(
    "git",
    ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
    { cwd: dir, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Runs the preview workflow's matrix script the way GitHub runs it (bash, in a checkout with full history,
 * BASE_SHA and GITHUB_OUTPUT set) in a new git repository: a base commit with the project files and one
 * `Pulumi.<stack>.yaml` per stack, then a pull-request commit that edits `changed` and deletes `deleted`.
 */
export function previewMatrix(
  script: string,
  stacks: readonly string[],
  changed: readonly string[],
  deleted: readonly string[] = [],
  opts: { unknownBase?: boolean } = {},
): { include: MatrixEntry[]; any: boolean } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-matrix-"));
  try {
    git(dir, "init", "-q", "-b", "main");
    for (const f of ["Pulumi.yaml", "index.ts", "package.json", ...stacks.map((s) => `Pulumi.${s}.yaml`)])
      fs.writeFileSync(path.join(dir, f), `# ${f}\n`);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");
    const base = git(dir, "rev-parse", "HEAD");
    for (const f of changed) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.appendFileSync(path.join(dir, f), "# changed\n");
    }
    for (const f of deleted) fs.rmSync(path.join(dir, f));
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "pull request", "--allow-empty");
    const output = path.join(dir, ".github-output");
    const env = { ...process.env, BASE_SHA: opts.unknownBase ? "0".repeat(40) : base, GITHUB_OUTPUT: output };
    const r = spawnSync("bash", ["-e", "-c", script], { cwd: dir, env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`matrix script failed (${r.status}): ${r.stdout}${r.stderr}`);
    const values = Object.fromEntries(
      fs
        .readFileSync(output, "utf8")
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    return { include: (JSON.parse(values.matrix) as { include: MatrixEntry[] }).include, any: values.any === "true" };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
