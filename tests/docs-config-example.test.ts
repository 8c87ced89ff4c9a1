import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { fixtureProject, renderCli, snapshot } from "./support/render-project";
import { ROOT } from "./support/stacks";

// docs/config.md's allowFrom example, as the apps of a stack, through the render.
describe("docs/config.md: the allowFrom example", () => {
  it("renders, with one policy per entry, the HTTP rule on the waypoint", async function () {
    this.timeout(60000);
    const doc = fs.readFileSync(path.join(ROOT, "docs", "config.md"), "utf8");
    const block = /```yaml\n# Pulumi\.yaml: config\.apps\.default\n([\s\S]*?)```/.exec(doc);
    assert.ok(block, "docs/config.md has no apps example");
    const dir = fixtureProject({ east: { apps: parse(block[1]) } });
    try {
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      const policies = [...snapshot(path.join(dir, "gitops")).keys()].filter((p) => p.includes("allow-from"));
      assert.deepStrictEqual(policies, [
        "clusters/east/authorizationpolicy-ledger.allow-from-admin.console.yaml",
        "clusters/east/authorizationpolicy-ledger.allow-from-batch.report-writer.yaml",
        "clusters/east/authorizationpolicy-ledger.allow-from-istio-ingress.yaml",
        "clusters/east/authorizationpolicy-ledger.allow-from-payments.yaml",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
