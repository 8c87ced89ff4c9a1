import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { findKubectl } from "../render/kubectl";
import { basics, namespace, Obj, policy } from "./support/access-mesh";
import { runProcess } from "./support/spawn";
import { ROOT } from "./support/stacks";

// The preview workflow's access diff: its script run on a real git history of two rendered trees, and its step
// as the workflow runs it (comment only when something changes).
const SCRIPT = path.join(ROOT, ".github", "access-diff.sh");

function overlay(repo: string, stack: string, allowed: string | undefined): void {
  const dir = path.join(repo, "gitops", "clusters", stack);
  fs.mkdirSync(dir, { recursive: true });
  const objects: Obj[] = [
    ...basics(),
    namespace("batch"),
    policy("api", "deny-all", {}),
    ...(allowed ? [policy("api", "allow", { rules: [{ from: [{ source: { namespaces: [allowed] } }] }] })] : []),
  ];
  fs.writeFileSync(path.join(dir, "mesh.yaml"), objects.map((o) => stringify(o)).join("---\n"));
  fs.writeFileSync(path.join(dir, "kustomization.yaml"), "resources:\n  - mesh.yaml\n");
}

describe("the preview workflow's access diff (.github/access-diff.sh)", function () {
  this.timeout(60_000);
  const kubectl = findKubectl();
  let repo: string;
  let base: string;
  before(function () {
    if (kubectl === undefined) {
      console.log("    skipped: no kubectl on PATH (or $KUBECTL); the rendered overlays are built with it");
      this.skip();
    }
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-access-diff-"));
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
    git("init", "-q");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    overlay(repo, "east", "web");
    git("add", "-A");
    git("commit", "-qm", "base");
    base = git("rev-parse", "HEAD");
    overlay(repo, "east", undefined);
    overlay(repo, "west", "web");
    git("add", "-A");
    git("commit", "-qm", "head");
  });
  after(() => repo && fs.rmSync(repo, { recursive: true, force: true }));

  it("lists, per stack, the pairs whose verdict changes, as Markdown", async () => {
    const east = await runProcess("bash", [SCRIPT, "east", base], { cwd: repo });
    assert.strictEqual(east.status, 0, east.stderr);
    assert.match(east.stdout, /^### Access changes on `east`$/m);
    assert.match(
      east.stdout,
      /^1 access change\(s\)\n {2}web\/web -> api\.api:80: now denied \(ztunnel: api\/deny-all\), was allowed \(ztunnel\)$/m,
    );
    // A stack the base has not: compared with no manifests, so what it allows is new.
    const west = await runProcess("bash", [SCRIPT, "west", base], { cwd: repo });
    assert.strictEqual(west.status, 0, west.stderr);
    assert.match(west.stdout, /web\/web -> api\.api:80: now allowed \(ztunnel\), was absent/);
    const same = await runProcess("bash", [SCRIPT, "east", "HEAD"], { cwd: repo });
    assert.match(same.stdout, /^no access changes$/m);
  });

  it("is run by the preview job for each stack, which comments only when access changes", () => {
    const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "preview.yml"), "utf8")) as {
      jobs: {
        preview: {
          steps: { name?: string; run?: string; env?: Record<string, string>; with?: unknown; uses?: string }[];
        };
      };
    };
    const steps = workflow.jobs.preview.steps;
    const step = steps.find((s) => s.name === "Access changes of this pull request")!;
    assert.match(step.run!, /^bash \.github\/access-diff\.sh "\$STACK" "\$BASE_SHA" > "\$RUNNER_TEMP\/access\.md"$/m);
    assert.match(
      step.run!,
      /if grep -q "access change\(s\)" "\$RUNNER_TEMP\/access\.md"; then\n\s+gh pr comment "\$PR_NUMBER"/,
    );
    assert.strictEqual(step.env!.BASE_SHA, "${{ github.event.pull_request.base.sha }}");
    // The base commit's gitops/ must be in the clone.
    assert.deepStrictEqual(steps.find((s) => s.uses?.startsWith("actions/checkout@"))!.with, { "fetch-depth": 0 });
  });
});
