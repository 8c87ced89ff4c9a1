import * as assert from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { projectCopy } from "./support/render-project";
import { runProcess } from "./support/spawn";
import { ROOT } from "./support/stacks";

// What a platform team does first: add its clusters and services to a fresh clone, render, and run CI. Here, in a
// copy of the project, with generated configs: the commands .ci/run runs on the config pass, and no test reads
// the repository's own config, so the team's CI stays green with no test edited.

interface Generated {
  readonly stacks: number;
  /** `calls`: whether the server also calls the next one (an app that serves and calls). */
  readonly servers: { readonly waypoint: boolean; readonly port: number; readonly calls: boolean }[];
  /** Which server each client calls (index into servers). */
  readonly clients: number[];
}

const generated: fc.Arbitrary<Generated> = fc.record({
  stacks: fc.integer({ min: 3, max: 5 }),
  servers: fc.array(fc.record({ waypoint: fc.boolean(), port: fc.constantFrom(8080, 9090), calls: fc.boolean() }), {
    minLength: 5,
    maxLength: 5,
  }),
  clients: fc.array(fc.nat(4), { minLength: 5, maxLength: 5 }),
});

/** The clients that call server `i`, as its allowFrom; no key when none does (an empty list is refused). */
function allowed(g: Generated, i: number): { allowFrom?: string[] } {
  const previous = (i + g.servers.length - 1) % g.servers.length;
  const callers = [
    ...g.clients.flatMap((target, c) => (target === i ? [`client-${c}`] : [])),
    ...(g.servers[previous].calls ? [`svc-${previous}`] : []),
  ];
  return callers.length > 0 ? { allowFrom: callers } : {};
}

/** Ten apps, serving and calling, with and without waypoints: the project's list (Pulumi.yaml). */
function apps(g: Generated): Record<string, unknown>[] {
  const servers = g.servers.map((s, i) => ({
    name: `svc-${i}`,
    image: "hashicorp/http-echo:1.0",
    args: [`-text=svc-${i}`, `-listen=:${s.port}`],
    port: s.port,
    waypoint: s.waypoint,
    healthPath: "/health",
    ...allowed(g, i),
    ...(s.calls ? { calls: [`svc-${(i + 1) % g.servers.length}`] } : {}),
  }));
  const clients = g.clients.map((target, c) => ({
    name: `client-${c}`,
    image: "curlimages/curl:8.11.1",
    calls: [`svc-${target}`],
  }));
  return [...servers, ...clients];
}

/**
 * The project with the generated apps declared once in Pulumi.yaml, and its own stack files: one more app runs on
 * the last stack only (its stacks), and the first stack scales the first server up (appOverrides).
 */
function writeConfig(dir: string, g: Generated): void {
  for (const f of fs.readdirSync(dir).filter((n) => /^Pulumi\..+\.ya?ml$/.test(n) && n !== "Pulumi.yaml"))
    fs.rmSync(path.join(dir, f));
  const file = path.join(dir, "Pulumi.yaml");
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const edge = { name: "edge-only", image: "example/edge:1", port: 8080, stacks: [`team-${g.stacks}`] };
  doc.setIn(["config", "apps", "default"], doc.createNode([...apps(g), edge]));
  fs.writeFileSync(file, doc.toString());
  for (let i = 1; i <= g.stacks; i++) {
    const overrides = i === 1 ? "  mesh-lab:appOverrides:\n    svc-0: { replicas: 3 }\n" : "";
    fs.writeFileSync(
      path.join(dir, `Pulumi.team-${i}.yaml`),
      `config:\n  mesh-lab:kubeContext: team-${i}\n  mesh-lab:clusterName: team-${i}\n  mesh-lab:network: net-${i}\n${overrides}`,
    );
  }
}

describe("a team's own clusters and services in a fresh clone", function () {
  this.timeout(600000);
  let dir: string;
  before(() => (dir = projectCopy()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("npm run render, then render --check and check:telemetry, pass for generated configs", async () => {
    const npm = (...args: string[]) =>
      runProcess("npm", ["run", "-s", ...args], { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
    await fc.assert(
      fc.asyncProperty(generated, async (g) => {
        writeConfig(dir, g);
        fs.rmSync(path.join(dir, "gitops"), { recursive: true, force: true });
        const render = await npm("render");
        assert.strictEqual(render.status, 0, render.stderr);
        const unit = (i: number) => path.join(dir, "gitops", "tenants", `team-${i}`, "edge-only", "kustomization.yaml");
        assert.match(fs.readFileSync(unit(g.stacks), "utf8"), /- \.\.\/\.\.\/\.\.\/apps\/edge-only/);
        if (g.stacks > 1) assert.ok(!fs.existsSync(unit(1)), "edge-only runs on its stack only");
        const check = await npm("render", "--", "--check");
        assert.strictEqual(check.status, 0, check.stderr);
        const telemetry = await npm("check:telemetry");
        assert.strictEqual(telemetry.status, 0, telemetry.stdout + telemetry.stderr);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 2), seed: Number(process.env.FC_SEED ?? 20261205) },
    );
  });

  it("no test reads the repository's own stack files, apps or rendered tree", () => {
    // The tests read the sample project (tests/fixtures/sample) instead; these are the ways to reach the repo's.
    // The repository's root, however a test spells it: ROOT, or a path from the test's own directory.
    const root = String.raw`(ROOT|path\.(resolve|join)\(__dirname, "\.\."\)|process\.cwd\(\))`;
    const reads = [
      new RegExp(String.raw`(listStacks|loadStackConfig|readProject|renderProject|planStacks)\(\s*${root}`),
      /path\.join\(ROOT, "gitops"/,
      /path\.join\(ROOT, `Pulumi\./,
      /path\.join\(ROOT, "Pulumi\.yaml"\)/,
    ];
    // The two that read the repository's Pulumi.yaml for what is the program's, not the team's: its runtime, and
    // the schema's declarations.
    const mayReadProject = new Set([
      path.join("tests", "pulumi-start.test.ts"),
      path.join("tests", "config-contract.test.ts"),
    ]);
    const files = [
      ...fs.readdirSync(path.join(ROOT, "tests")).map((f) => path.join("tests", f)),
      ...fs.readdirSync(path.join(ROOT, "tests", "support")).map((f) => path.join("tests", "support", f)),
    ].filter((f) => /\.(ts|js)$/.test(f) && f !== path.join("tests", "adoptable-project.test.ts"));
    const found = files.flatMap((f) => {
      const text = fs.readFileSync(path.join(ROOT, f), "utf8");
      return reads
        .filter((r) => r.test(text) && !(mayReadProject.has(f) && String(r).includes("Pulumi")))
        .map((r) => `${f}: ${String(r)}`);
    });
    assert.deepStrictEqual(found, []);
  });
});
