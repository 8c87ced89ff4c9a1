import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { declaredTypeProblem, fullTypeName } from "../config/declared-types";
import { ConfigError } from "../config/problems";
import { loadStackConfig, readProject } from "../config/project-files";
import { renderCli, tempProject } from "./support/render-project";
import { SAMPLE, STACKS } from "./support/stacks";

const OBJECTS = { type: "array", items: { type: "object" } };

describe("config parity with the Pulumi CLI", () => {
  describe("declaredTypeProblem: the CLI's ValidateConfigValue", () => {
    const ok = (decl: object, v: unknown) => declaredTypeProblem("s", "mesh-lab:k", decl, v) === undefined;

    it("takes any scalar for a string, as the CLI hands scalars over as their text", () => {
      for (const v of ["k3d-cluster-1", 42, true, ""]) assert.ok(ok({ type: "string" }, v), String(v));
      for (const v of [[1, 2], { a: 1 }, null]) assert.ok(!ok({ type: "string" }, v), JSON.stringify(v));
    });

    it("takes whole numbers and text that parses as one for an integer", () => {
      for (const v of [5, -3, "42", "+7"]) assert.ok(ok({ type: "integer" }, v), String(v));
      for (const v of [4.5, "4.5", "x", true, [1]]) assert.ok(!ok({ type: "integer" }, v), JSON.stringify(v));
    });

    it("checks list items by their JSON type: an integer item must be a whole number, a boolean item true or false", () => {
      const ints = { type: "array", items: { type: "integer" } };
      const bools = { type: "array", items: { type: "boolean" } };
      assert.ok(ok(ints, [1, -2]));
      for (const v of [[1, 4.5], [true]]) assert.ok(!ok(ints, v), JSON.stringify(v));
      assert.ok(ok(bools, [true, false]));
      for (const v of [[1], ["yes"], [null]]) assert.ok(!ok(bools, v), JSON.stringify(v));
    });

    it("takes only true and false for a boolean", () => {
      for (const v of [true, false, "true", "false"]) assert.ok(ok({ type: "boolean" }, v), String(v));
      for (const v of ["yes", "True", 1, null]) assert.ok(!ok({ type: "boolean" }, v), JSON.stringify(v));
    });

    it("checks objects and the items of arrays", () => {
      assert.ok(ok({ type: "object" }, { a: 1 }));
      assert.ok(!ok({ type: "object" }, [{ a: 1 }]));
      assert.ok(ok(OBJECTS, [{ name: "a" }, {}]));
      assert.ok(!ok(OBJECTS, [{ name: "a" }, "b"]));
      assert.ok(!ok(OBJECTS, { name: "a" }));
      assert.ok(!ok({ type: "array" }, []), "an array without items is refused by the CLI");
      assert.strictEqual(fullTypeName(OBJECTS), "array<object>");
    });

    it("says what pulumi up would say, with the key, the value and the type", () => {
      assert.strictEqual(
        declaredTypeProblem("cluster-1", "mesh-lab:kubeContext", { type: "string" }, [1, 2]),
        `key "mesh-lab:kubeContext" is [1,2]; expected a string (Pulumi.yaml declares it string; pulumi up refuses the stack: "Stack 'cluster-1' with configuration key 'kubeContext' must be of type 'string'")`,
      );
    });
  });

  describe("loadStackConfig and the render", () => {
    const refused = async (changes: Record<string, unknown>, problem: string) => {
      const dir = tempProject({ "cluster-1": changes });
      try {
        // the loader refuses the stack, naming the key
        assert.throws(
          () => loadStackConfig(dir, "cluster-1"),
          (e: unknown) => e instanceof ConfigError && e.problems.includes(problem),
        );
        // and the render exits 2, writing nothing
        const out = path.join(dir, "out");
        const result = await renderCli(dir, "--out", out);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.ok(result.stderr.includes(`stack "cluster-1": ${problem}`), result.stderr);
        assert.strictEqual(fs.existsSync(out), false);
        assert.strictEqual(fs.existsSync(path.join(dir, "gitops")), false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };

    it("refuses a list where Pulumi.yaml declares a string (which parseSettings alone would take as text)", () =>
      refused(
        { kubeContext: [1, 2] },
        `key "mesh-lab:kubeContext" is [1,2]; expected a string (Pulumi.yaml declares it string; pulumi up refuses the stack: "Stack 'cluster-1' with configuration key 'kubeContext' must be of type 'string'")`,
      ));

    it("refuses an object where a boolean is declared, with parseSettings' own message for that key", () =>
      refused(
        { adoptExisting: { on: true } },
        'key "mesh-lab:adoptExisting" is "{\\"on\\":true}"; expected true or false',
      ));

    it("refuses a key declared secret given in plain text, without printing it", async () => {
      const problem =
        `key "mesh-lab:kubeconfig" is set in plain text; expected a secure: value (pulumi config set --secret mesh-lab:kubeconfig ...): ` +
        `it holds credentials, and mesh-lab reads it only as a secret`;
      await refused({ kubeconfig: "apiVersion: v1\nusers: [{token: SECRET-TOKEN}]" }, problem);
      const dir = tempProject({ "cluster-1": { kubeconfig: "token: SECRET-TOKEN" } });
      try {
        assert.throws(
          () => loadStackConfig(dir, "cluster-1"),
          (e: unknown) => e instanceof Error && !e.message.includes("SECRET-TOKEN"),
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("stops on a Pulumi.yaml that is not a mapping or has no name, naming the file", () => {
      const dir = tempProject();
      try {
        const file = path.join(dir, "Pulumi.yaml");
        const project = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, "- a\n- b\n");
        assert.throws(() => readProject(dir), { message: `${file}: expected a YAML mapping at the top level` });
        fs.writeFileSync(file, project.replace(/^name: .*$/m, ""));
        assert.throws(() => readProject(dir), { message: `${file}: "name" is missing` });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("lists the type problem beside the stack's other problems", () => {
      const dir = tempProject({ "cluster-1": { kubeContext: [1], network: "net work" } });
      try {
        assert.throws(
          () => loadStackConfig(dir, "cluster-1"),
          (e: unknown) =>
            e instanceof ConfigError &&
            e.problems.length === 2 &&
            e.problems[0].startsWith('key "mesh-lab:network" is "net work"') &&
            e.problems[1].startsWith('key "mesh-lab:kubeContext" is [1]; expected a string'),
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("refuses a stack file that imports a Pulumi ESC environment", async () => {
      const dir = tempProject();
      try {
        const file = path.join(dir, "Pulumi.cluster-1.yaml");
        fs.writeFileSync(file, `environment:\n  - mesh/cluster-1\n${fs.readFileSync(file, "utf8")}`);
        const problem =
          'Pulumi.cluster-1.yaml imports Pulumi ESC environment(s) (environment: ["mesh/cluster-1"]); only the Pulumi CLI can resolve them, ' +
          "so the render, the tests and check:telemetry refuse this stack. Put the values under config: in the stack file instead";
        assert.throws(
          () => loadStackConfig(dir, "cluster-1"),
          (e: unknown) => e instanceof ConfigError && e.problems[0] === problem,
        );
        const out = path.join(dir, "out");
        const result = await renderCli(dir, "--out", out);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.ok(result.stderr.includes(problem), result.stderr);
        assert.strictEqual(fs.existsSync(out), false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("accepts the sample's stacks and every default of its Pulumi.yaml", () => {
      assert.ok(STACKS.length > 0, "the sample has stacks");
      for (const stack of STACKS) assert.doesNotThrow(() => loadStackConfig(SAMPLE, stack));
    });
  });
});

describe("check:telemetry refuses what pulumi up refuses", () => {
  it("exits 1 on a value of the wrong declared type and on an ESC import, naming each", function () {
    this.timeout(120000);
    const dir = tempProject({ "cluster-1": { kubeContext: [1, 2] } });
    try {
      const file = path.join(dir, "Pulumi.cluster-2.yaml");
      fs.writeFileSync(file, `environment: [mesh/cluster-2]\n${fs.readFileSync(file, "utf8")}`);
      // the real script, as `npm run check:telemetry` runs it (under the Node running these tests)
      const script = path.resolve(__dirname, "..", "scripts", "check-telemetry.ts");
      const run = spawnSync(process.execPath, ["-r", "tsx/cjs", script, "--dir", dir], {
        cwd: path.resolve(__dirname, ".."),
        encoding: "utf8",
      });
      assert.strictEqual(run.status, 1, run.stderr);
      assert.ok(run.stderr.includes(`key "mesh-lab:kubeContext" is [1,2]; expected a string`), run.stderr);
      assert.ok(run.stderr.includes("Pulumi.cluster-2.yaml imports Pulumi ESC environment(s)"), run.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
