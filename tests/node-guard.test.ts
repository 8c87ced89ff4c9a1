import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./support/stacks";

// The project pins Node 22 (package.json engines, the `node` dev dependency); every npm script that runs Node
// starts with the guard, which refuses another major version and says how to fix it.
describe("the Node 22 guard", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };

  it("runs first in every npm script that starts Node or a tool on it", () => {
    const guard = "node scripts/require-node22.js && ";
    const unguarded = Object.entries(pkg.scripts).filter(
      ([name, script]) =>
        !name.startsWith("pre") &&
        /\b(node|tsc|mocha|eslint|prettier|stryker)\b/.test(script) &&
        !script.startsWith(guard),
    );
    assert.deepStrictEqual(unguarded, []);
  });

  it("stops on another Node major, saying how to fix it", function () {
    const other = "/usr/bin/node";
    const version = spawnSync(other, ["--version"], { encoding: "utf8" });
    if (version.error || version.stdout.startsWith("v22.")) {
      console.log(
        `      SKIPPED (node guard): no Node other than 22 at ${other} to try it with (${version.error?.message ?? version.stdout.trim()})`,
      );
      this.skip();
    }
    const r = spawnSync(other, [path.join(ROOT, "scripts", "require-node22.js")], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(r.status, 1, r.stderr);
    assert.match(r.stderr, /mesh-lab needs Node 22, this is v\d+\.\d+\.\d+\. Run `npm ci`/);
    assert.strictEqual(r.stdout, "");
  });
});
