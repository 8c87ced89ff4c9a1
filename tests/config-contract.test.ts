import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configReference, pulumiYaml } from "../config/contract-files";
import { SETTINGS } from "../config/schema";
import { ROOT } from "./support/stacks";

/** Keys whose declaration differs between two `config:` blocks, with what differs. */
function drift(committed: Record<string, unknown>, generated: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(committed), ...Object.keys(generated)])].sort();
  return keys
    .filter((k) => JSON.stringify(committed[k]) !== JSON.stringify(generated[k]))
    .map((k) => `${k}: Pulumi.yaml has ${JSON.stringify(committed[k])}, the schema ${JSON.stringify(generated[k])}`);
}

describe("the config contract, declared once (config/schema.ts)", () => {
  it("is what Pulumi.yaml declares, key by key (npm run gen:config rewrites it)", () => {
    const committed = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    const generated = parse(pulumiYaml()) as { config: Record<string, unknown> };
    assert.deepStrictEqual(drift(committed.config, generated.config), []);
    assert.strictEqual(
      fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"),
      pulumiYaml(),
      "Pulumi.yaml is stale: run npm run gen:config",
    );
  });

  it("is what docs/config.md documents (npm run gen:config rewrites it)", () => {
    assert.strictEqual(
      fs.readFileSync(path.join(ROOT, "docs", "config.md"), "utf8"),
      configReference(),
      "docs/config.md is stale: run npm run gen:config",
    );
  });

  it("documents every key, and declares a default for every key that is neither required nor secret", () => {
    for (const [name, s] of Object.entries(SETTINGS)) {
      assert.ok(s.description.length > 20, `${name} has no description`);
      const required = "required" in s && s.required !== undefined;
      const secret = "secret" in s && s.secret === true;
      assert.ok(
        required || secret || s.default !== undefined,
        `${name}: the Pulumi CLI would demand a value for a declared key without a default`,
      );
      assert.ok(configReference().includes(`| \`${name}\` |`), `${name} is missing from docs/config.md`);
    }
  });
});
