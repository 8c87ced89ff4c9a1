import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { naturalSort } from "../config/natural-order";
import { ROOT } from "./support/stacks";
import { MatrixEntry, previewMatrix } from "./support/preview-matrix";

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  needs?: string;
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; matrix: unknown };
  env?: Record<string, string>;
  steps: Step[];
}

// GitHub reads workflows as YAML 1.2 (the `on` key stays a string).
const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "preview.yml"), "utf8")) as {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
};
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const secretName = (stack: string) => `KUBECONFIG_${stack.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;

describe("CI previews (.github/workflows/preview.yml)", () => {
  it("runs on pull requests", () => {
    assert.deepStrictEqual(Object.keys(workflow.on), ["pull_request"]);
    assert.deepStrictEqual(Object.keys(workflow.jobs), ["render", "stacks", "preview"]);
  });

  it("runs the tests and render --check, and puts the rendered-manifest diff in the job summary", () => {
    const job = workflow.jobs.render;
    const script = runs(job);
    assert.match(script, /^npm ci$/m);
    assert.match(script, /^npm test$/m);
    assert.match(script, /npm run -s render -- --check > "\$RUNNER_TEMP\/stale.diff"/);
    assert.match(script, /git diff --no-color "\$BASE_SHA"\.\.\.HEAD -- gitops\/ > "\$RUNNER_TEMP\/gitops.diff"/);
    assert.strictEqual(script.match(/>> "\$GITHUB_STEP_SUMMARY"/g)?.length, 2);
    const summary = job.steps.find((s) => s.name === "Rendered-manifest diff of this pull request")!;
    assert.strictEqual(summary.if, "always()");
    assert.strictEqual(summary.env?.BASE_SHA, "${{ github.event.pull_request.base.sha }}");
    // the base commit must be in the clone for the diff
    assert.deepStrictEqual(job.steps.find((s) => s.uses?.startsWith("actions/checkout@"))!.with, { "fetch-depth": 0 });
  });

  describe("the preview matrix, computed by the stacks job (its script run here on real git histories)", () => {
    const script = workflow.jobs.stacks.steps.find((s) => s.id === "stacks")!.run!;
    const entries = (stacks: readonly string[]): MatrixEntry[] =>
      stacks.map((stack) => ({ stack, kubeconfigSecret: secretName(stack) }));
    const fleet = ["cluster-10", "cluster-2", "cluster-1", "edge.eu_1", "cluster-100", "cluster-9"];

    it("feeds the preview job: one job per entry, skipped when there is none", () => {
      const job = workflow.jobs.preview;
      assert.strictEqual(job.needs, "stacks");
      assert.strictEqual(job.if, "needs.stacks.outputs.any == 'true'");
      assert.strictEqual(job.strategy!.matrix, "${{ fromJSON(needs.stacks.outputs.matrix) }}");
      assert.strictEqual(job.strategy!["fail-fast"], false);
      assert.deepStrictEqual(workflow.jobs.stacks.outputs, {
        matrix: "${{ steps.stacks.outputs.matrix }}",
        any: "${{ steps.stacks.outputs.any }}",
      });
      assert.deepStrictEqual(workflow.jobs.stacks.steps.find((s) => s.uses?.startsWith("actions/checkout@"))!.with, {
        "fetch-depth": 0,
      });
    });

    it("previews every stack, in natural order, each with its own kubeconfig secret, when the program changes", () => {
      const stacks = ["cluster-10", "cluster-2", "eu-west", "cluster-1"];
      const r = previewMatrix(script, stacks, ["index.ts"]);
      assert.deepStrictEqual(r.include, entries(naturalSort(stacks)));
      assert.strictEqual(r.any, true);
    });

    it("previews every stack of a large fleet, in natural order, when anything but a stack file changes", () => {
      for (const changed of [["components/mesh.ts"], ["Pulumi.yaml"], ["Pulumi.cluster-2.yaml", "package.json"]]) {
        assert.deepStrictEqual(
          previewMatrix(script, fleet, changed).include,
          entries(naturalSort(fleet)),
          `changed: ${changed.join(", ")}`,
        );
      }
    });

    it("previews only the stacks whose files a pull request changes, when only stack files change", () => {
      assert.deepStrictEqual(
        previewMatrix(script, fleet, ["Pulumi.cluster-10.yaml", "Pulumi.cluster-2.yaml"]).include,
        entries(["cluster-2", "cluster-10"]),
      );
    });

    it("previews nothing for a pull request that only deletes a stack file", () => {
      const r = previewMatrix(script, fleet, [], ["Pulumi.cluster-9.yaml"]);
      assert.deepStrictEqual(r, { include: [], any: false });
    });

    it("previews every stack when the base commit is not known", () => {
      assert.deepStrictEqual(
        previewMatrix(script, fleet, ["Pulumi.cluster-1.yaml"], [], { unknownBase: true }).include,
        entries(naturalSort(fleet)),
      );
    });

    it("refuses a stack file whose name is not a stack name, instead of writing broken JSON", () => {
      assert.throws(() => previewMatrix(script, ["ok", 'bad"name'], ["index.ts"]), /is not a Pulumi stack name/);
    });
  });

  it("runs pulumi preview --diff with the current pulumi/actions major and comments on the pull request", () => {
    const job = workflow.jobs.preview;
    const pulumi = job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.strictEqual(pulumi.length, 1);
    assert.strictEqual(pulumi[0].uses, "pulumi/actions@v7");
    assert.deepStrictEqual(pulumi[0].with, {
      command: "preview",
      "stack-name": "${{ vars.PULUMI_ORG && format('{0}/{1}', vars.PULUMI_ORG, matrix.stack) || matrix.stack }}",
      diff: true,
      "comment-on-pr": true,
      "github-token": "${{ secrets.GITHUB_TOKEN }}",
    });
    assert.strictEqual(pulumi[0].if, "steps.creds.outputs.ready == 'true'");
    assert.deepStrictEqual(job.permissions, { contents: "read", "pull-requests": "write" });
    assert.strictEqual(job.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
    assert.strictEqual(job.env?.KUBECONFIG_CONTENT, "${{ secrets[matrix.kubeconfigSecret] }}");
    assert.match(runs(job), /echo "KUBECONFIG=\$RUNNER_TEMP\/kubeconfig" >> "\$GITHUB_ENV"/);
    assert.match(runs(job), /::notice title=pulumi preview skipped/);
  });

  it("is documented in docs/ci-previews.md, every secret it reads included", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "ci-previews.md"), "utf8");
    for (const name of ["PULUMI_ACCESS_TOKEN", "PULUMI_ORG", "KUBECONFIG_<STACK>"])
      assert.ok(doc.includes(`\`${name}\``), `docs/ci-previews.md does not document ${name}`);
    // The rule the doc states for any stack, as the workflow's script applies it.
    assert.match(doc, /`KUBECONFIG_<STACK>` \(upper case, other characters as `_`\)/);
    const script = workflow.jobs.stacks.steps.find((s) => s.id === "stacks")!.run!;
    const r = previewMatrix(script, ["eu-west.3"], ["index.ts"]);
    assert.deepStrictEqual(r.include, [{ stack: "eu-west.3", kubeconfigSecret: "KUBECONFIG_EU_WEST_3" }]);
  });

  it(".ci/run lints and checks that gitops/ is current after the tests, then runs them on another team's project", () => {
    const lines = fs
      .readFileSync(path.join(ROOT, ".ci", "run"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
    assert.deepStrictEqual(lines.slice(-4), [
      "npm cit",
      "npm run lint",
      "npm run render -- --check",
      "bash .ci/team-suite.sh",
    ]);
    // The team suite swaps every stack file and the apps, whatever they are, and runs the README's test command.
    const team = fs.readFileSync(path.join(ROOT, ".ci", "team-suite.sh"), "utf8");
    assert.match(team, /^find \. -maxdepth 1 \\\( -name 'Pulumi\.\*\.yaml' -o -name 'Pulumi\.\*\.yml' \\\) -delete$/m);
    assert.match(team, /deleteIn\(\["config", "apps", "value"\]\)/);
    assert.match(team, /^npm test$/m);
  });
});
