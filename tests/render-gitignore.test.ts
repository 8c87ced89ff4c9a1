import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fixtureProject, renderCli } from "./support/render-project";
import { ROOT } from "./support/stacks";

// The rendered tree is committed and Argo CD or Flux read it from Git: a file of it that the repository's
// .gitignore matches would be missing from every clone (render --check red there for good, a unit Flux cannot
// find). Apps are named after every entry of .gitignore that can name an app.
describe("the repository's .gitignore and the rendered tree", () => {
  it("ignores no file the render writes, whatever the apps are named", async function () {
    this.timeout(60000);
    const git = spawnSync("git", ["--version"]);
    if (git.status !== 0) {
      console.log("      SKIPPED (the rendered tree against .gitignore): git is not on PATH");
      return this.skip();
    }
    const ignore = fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8");
    const names = ignore
      .split("\n")
      .map((l) => l.replace(/^\//, "").replace(/\/$/, ""))
      .filter((n) => /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(n));
    assert.ok(names.length > 0, "no entry of .gitignore can name an app: nothing to check");
    const apps = names.map((name) => ({ name, image: "example/app:1", port: 8080 }));
    const dir = fixtureProject({ east: { apps, waypoints: false } });
    try {
      fs.writeFileSync(path.join(dir, ".gitignore"), ignore);
      assert.strictEqual(spawnSync("git", ["init", "-q", dir]).status, 0);
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      for (const name of names) assert.ok(fs.existsSync(path.join(dir, "gitops", "apps", name)), name);
      const ignored = spawnSync("git", ["-C", dir, "status", "--porcelain", "--ignored", "--untracked-files=all"], {
        encoding: "utf8",
      }).stdout;
      assert.deepStrictEqual(
        ignored.split("\n").filter((l) => l.startsWith("!! ") && l.includes("gitops/")),
        [],
        ignored,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
