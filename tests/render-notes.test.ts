import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { DEFAULT_GITOPS_REPO_URL } from "../config/git-url";
import { fixtureProject, renderChildCommand, renderCli } from "./support/render-project";
import { runProcess } from "./support/spawn";

const REPO = "https://git.example.com/platform/mesh.git";
const OTHER = "https://git.example.com/emea/mesh.git";

/** Sets (or replaces) `mesh-lab:<key>` in a fixture project's stack file. */
function setKey(dir: string, stack: string, key: string, value: unknown): void {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const doc = fs.readFileSync(file, "utf8");
  const config = { ...(parse(doc) as { config: Record<string, unknown> }).config };
  config[`mesh-lab:${key}`] = value;
  fs.writeFileSync(file, stringify({ config }));
}

describe("render notes: the repository Argo CD and Flux pull from", () => {
  it("names the stacks still on the placeholder repository, as the command prints it, and stops once it is set", async () => {
    const dir = fixtureProject({ east: {}, west: { gitopsRepoUrl: REPO } });
    try {
      const [node, ...args] = renderChildCommand(dir);
      const first = await runProcess(node, args, { cwd: dir });
      assert.strictEqual(first.status, 0, first.stderr);
      assert.match(
        first.stderr,
        new RegExp(
          `^note: stack east: their Argo CD or Flux objects would pull from ${DEFAULT_GITOPS_REPO_URL.replace(/\./g, "\\.")}, the placeholder default of mesh-lab:gitopsRepoUrl; set it`,
          "m",
        ),
      );
      assert.doesNotMatch(first.stderr, /stacks? [^:]*west[^:]*: their Argo CD or Flux objects would pull/);
      setKey(dir, "east", "gitopsRepoUrl", REPO);
      const second = await renderCli(dir);
      assert.strictEqual(second.code, 0, second.stderr);
      assert.doesNotMatch(second.stderr, /placeholder/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says why the central ApplicationSets are removed when one Argo CD stack moves to another repository", async () => {
    const dir = fixtureProject({ east: { gitopsRepoUrl: REPO }, west: { gitopsRepoUrl: REPO } });
    const central = ["applicationset.yaml", "applicationset.tenants.yaml"].map((f) =>
      path.join(dir, "gitops", "argocd", f),
    );
    try {
      const first = await renderCli(dir);
      assert.strictEqual(first.code, 0, first.stderr);
      assert.ok(central.every((f) => fs.existsSync(f)));
      assert.doesNotMatch(first.stderr, /no longer rendered/);
      setKey(dir, "west", "gitopsRepoUrl", OTHER);
      const note =
        "note: gitops/argocd/applicationset.yaml and gitops/argocd/applicationset.tenants.yaml are no longer rendered: " +
        `the Argo CD stacks pull from 2 repositories (${REPO}: stack east; ${OTHER}: stack west), and one ` +
        "ApplicationSet's Git generator reads one repository; to keep them, give every Argo CD stack the same mesh-lab:gitopsRepoUrl. " +
        "An ApplicationSet applied from them by hand stays in its Argo CD, generating from its repository, until deleted there\n";
      const check = await renderCli(dir, "--check");
      assert.strictEqual(check.code, 1, check.stderr);
      assert.ok(check.stderr.includes(note), check.stderr);
      const second = await renderCli(dir);
      assert.strictEqual(second.code, 0, second.stderr);
      assert.ok(second.stderr.includes(note), second.stderr);
      assert.ok(central.every((f) => !fs.existsSync(f)));
      // Said once, when they go: the next render has nothing to remove.
      const third = await renderCli(dir);
      assert.doesNotMatch(third.stderr, /no longer rendered/);
      // Every stack moved to Flux: no Argo CD stack is left to share a repository, and the note says so.
      setKey(dir, "west", "gitopsRepoUrl", REPO);
      assert.strictEqual((await renderCli(dir)).code, 0);
      assert.ok(central.every((f) => fs.existsSync(f)));
      for (const stack of ["east", "west"]) setKey(dir, stack, "gitopsEngines", ["flux"]);
      const flux = await renderCli(dir);
      assert.strictEqual(flux.code, 0, flux.stderr);
      assert.match(
        flux.stderr,
        /are no longer rendered: no stack uses Argo CD any more \(mesh-lab:gitopsEngines\); to have them again, put argocd in a stack's mesh-lab:gitopsEngines\. /,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
