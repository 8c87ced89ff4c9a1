import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "./support/stacks";

// The project pins Node 22 (package.json engines, the `node` dev dependency); every entry point refuses another
// major version with the fix. `npm run render` runs the guard in its own process, as its first import.
describe("the Node 22 guard", () => {
  const other = "/usr/bin/node";
  const version = spawnSync(other, ["--version"], { encoding: "utf8" });

  it("stops npm run render's entry point on another Node major, saying how to fix it", function () {
    if (version.error || version.stdout.startsWith("v22.")) {
      console.log(`      SKIPPED (node guard): no Node other than 22 at ${other} to try it with (${version.error?.message ?? version.stdout.trim()})`);
      this.skip();
    }
    // As package.json's render script runs it: node scripts/render.js.
    const r = spawnSync(other, [path.join(ROOT, "scripts", "render.js"), "--help"], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(r.status, 1, r.stderr);
    assert.match(r.stderr, /mesh-lab needs Node 22, this is v\d+\.\d+\.\d+\. Run `npm ci`/);
    assert.strictEqual(r.stdout, "");
  });
});
