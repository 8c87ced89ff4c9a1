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
    const block = /## allowFrom[\s\S]*?```yaml\n# Pulumi\.yaml: config\.apps\.default\n([\s\S]*?)```/.exec(doc);
    assert.ok(block, "docs/config.md has no apps example");
    const dir = fixtureProject({ east: { apps: parse(block[1]) } });
    try {
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      const policies = [...snapshot(path.join(dir, "gitops")).keys()].filter((p) => p.includes("allow-from"));
      assert.deepStrictEqual(policies, [
        "tenants/east/ledger/authorizationpolicy-ledger.allow-from-admin.console.yaml",
        "tenants/east/ledger/authorizationpolicy-ledger.allow-from-batch.report-writer.yaml",
        "tenants/east/ledger/authorizationpolicy-ledger.allow-from-istio-ingress.yaml",
        "tenants/east/ledger/authorizationpolicy-ledger.allow-from-payments.yaml",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// docs/config.md's placement example: apps declared once, one placed on prod-eu only, prod-us overriding one.
describe("docs/config.md: apps declared once, placed and varied per stack", () => {
  it("renders: eu-reporting only on prod-eu, payments with prod-us's replicas and image", async function () {
    this.timeout(60000);
    const doc = fs.readFileSync(path.join(ROOT, "docs", "config.md"), "utf8");
    const apps = /## Apps[\s\S]*?```yaml\n# Pulumi\.yaml: config\.apps\.default\n([\s\S]*?)```/.exec(doc);
    const us = /```yaml\n# Pulumi\.prod-us\.yaml\n([\s\S]*?)```/.exec(doc);
    assert.ok(apps && us, "docs/config.md has no placement example");
    const usConfig = (parse(us[1]) as { config: Record<string, unknown> }).config;
    const keys = Object.fromEntries(Object.entries(usConfig).map(([k, v]) => [k.replace(/^mesh-lab:/, ""), v]));
    const dir = fixtureProject({ "prod-eu": {}, "prod-us": keys }, { apps: parse(apps[1]) });
    try {
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      const tree = snapshot(path.join(dir, "gitops"));
      assert.ok(tree.has("tenants/prod-eu/eu-reporting/kustomization.yaml"));
      assert.ok(![...tree.keys()].some((p) => p.startsWith("tenants/prod-us/eu-reporting/")));
      const patches = [...tree].filter(([p]) => /^tenants\/prod-us\/[^/]+\/patches\//.test(p)).map(([, t]) => t);
      assert.match(patches.join("\n"), /payments:2\.4\.0-rc1/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
