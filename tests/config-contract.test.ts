import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configReference, pulumiYaml } from "../config/contract-files";
import { SETTINGS } from "../config/schema";
import { ROOT, SAMPLE } from "./support/stacks";

/** Keys whose declaration differs between two `config:` blocks, with what differs. */
function drift(committed: Record<string, unknown>, generated: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(committed), ...Object.keys(generated)])].sort();
  return keys
    .filter((k) => JSON.stringify(committed[k]) !== JSON.stringify(generated[k]))
    .map((k) => `${k}: Pulumi.yaml has ${JSON.stringify(committed[k])}, the schema ${JSON.stringify(generated[k])}`);
}

describe("the config contract, declared once (config/schema.ts)", () => {
  it("is what Pulumi.yaml declares, key by key (npm run gen:config writes the declarations)", () => {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    const committed = parse(text) as { config: Record<string, Record<string, unknown>> };
    const generated = parse(pulumiYaml()) as { config: Record<string, Record<string, unknown>> };
    // The declarations only: defaults and values are the project's own.
    const declarations = (c: Record<string, Record<string, unknown>>) =>
      Object.fromEntries(
        Object.entries(c).map(([k, d]) => [k, { type: d.type, items: d.items, description: d.description }]),
      );
    assert.deepStrictEqual(drift(declarations(committed.config), declarations(generated.config)), []);
    // Semantically: gen:config may lay out a user's own values differently, which changes nothing.
    assert.deepStrictEqual(parse(pulumiYaml(text)), parse(text), "Pulumi.yaml is stale: run npm run gen:config");
    const sample = fs.readFileSync(path.join(SAMPLE, "Pulumi.yaml"), "utf8");
    assert.strictEqual(
      sample,
      pulumiYaml(sample),
      "tests/fixtures/sample/Pulumi.yaml is stale: run npm run gen:config",
    );
  });

  describe("npm run gen:config keeps what the user wrote in Pulumi.yaml", () => {
    const mine = [
      "# my project",
      "name: mesh-lab",
      "backend:",
      "  url: file://~/state",
      "config:",
      "  apps:",
      "    type: string",
      "    description: old",
      "    default:",
      "      - name: payments # ours",
      "        image: example/payments:1",
      "        port: 8080",
      "        allowFrom: [checkout, batch/report]",
      "  waypoints:",
      "    default: false",
      "  aws:region: eu-west-1",
      "",
    ].join("\n");
    // Merged inside each test, not when the describe is read: a merge computed then runs before Stryker switches a
    // mutant on, so no test of it could kill one (docs/testing.md, "So do before() hooks").
    const merge = () => {
      const merged = pulumiYaml(mine);
      return { merged, doc: parse(merged) as Record<string, any> };
    };

    it("keeps defaults, values, other keys and comments, and writes only the schema's declarations", () => {
      const { merged, doc } = merge();
      assert.deepStrictEqual(doc.config.apps.default, [
        { name: "payments", image: "example/payments:1", port: 8080, allowFrom: ["checkout", "batch/report"] },
      ]);
      // A flow list is written `[a, b]`, not yaml's default `[ a, b ]`.
      assert.match(merged, /^ {8}allowFrom: \[checkout, batch\/report\]$/m);
      assert.strictEqual(doc.config.apps.type, "array");
      assert.strictEqual(doc.config.apps.description, SETTINGS.apps.description);
      assert.strictEqual(doc.config.waypoints.default, false);
      assert.strictEqual(doc.config["aws:region"], "eu-west-1");
      assert.deepStrictEqual(doc.backend, { url: "file://~/state" });
      assert.match(merged, /- name: payments # ours/);
      assert.match(merged, /# my project/);
      assert.strictEqual(pulumiYaml(merged), merged, "a second run changes nothing");
    });

    it("declares the keys it lacked, with the schema's default where there is one", () => {
      const { doc } = merge();
      assert.strictEqual(doc.config.podSecurity.default, SETTINGS.podSecurity.default);
      assert.deepStrictEqual(doc.config["pulumi:disable-default-providers"], { value: ["kubernetes"] });
      assert.strictEqual(parse(pulumiYaml()).config.apps.default, undefined, "no built-in apps");
    });

    it("refuses a Pulumi.yaml that is not a mapping, or not YAML, changing nothing", () => {
      assert.throws(() => pulumiYaml("- a\n- b\n"), /^Error: Pulumi\.yaml is not a mapping; refusing to rewrite it$/);
      assert.throws(() => pulumiYaml("name: [unclosed\n"), /^Error: Pulumi\.yaml is not valid YAML: /);
    });

    it("starts a project's file from nothing: its name, description, Node.js runtime and the explicit provider", () => {
      const fresh = parse(pulumiYaml()) as Record<string, any>;
      assert.strictEqual(fresh.name, "mesh-lab");
      assert.match(fresh.description, /^Istio ambient mesh config for one cluster per stack/);
      assert.deepStrictEqual(fresh.runtime, { name: "nodejs", options: { packagemanager: "npm" } });
      assert.deepStrictEqual(fresh.config["pulumi:disable-default-providers"], { value: ["kubernetes"] });
      // A project's own name, description, runtime and provider setting stay as they are.
      const own = parse(
        pulumiYaml(
          "name: acme-mesh\ndescription: ours\nruntime: nodejs\nconfig:\n  pulumi:disable-default-providers:\n    value: ['*']\n",
        ),
      ) as Record<string, any>;
      assert.deepStrictEqual(
        [own.name, own.description, own.runtime, own.config["pulumi:disable-default-providers"]],
        ["acme-mesh", "ours", "nodejs", { value: ["*"] }],
      );
    });
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
