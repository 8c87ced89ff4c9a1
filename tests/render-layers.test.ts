import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { projectCopy, readTree } from "./support/render-project";
import { ProcessResult, runProcess } from "./support/spawn";

// Each optional layer rendered by `npm run render` itself, as a process, in a copy of this project whose only
// stacks are the test's own. What the command loads at run time (a model's .wasm file, say) is loaded here too.
const STACKS = ["east", "west"];
const APPS = [
  { name: "shop", image: "example/shop:1", port: 8080, waypoint: true, allowFrom: ["cart"] },
  { name: "cart", image: "curlimages/curl:8.11.1", calls: ["shop"] },
];
const install = (stack: string) => ({
  enabled: true,
  istioVersion: "1.28.1",
  meshId: "mesh-test",
  rootCa: { stack: "east" },
  peers: STACKS.filter((s) => s !== stack),
  apiServer: `https://${stack}.example:6443`,
});

function writeStacks(dir: string, layers: Record<string, (stack: string) => unknown>): void {
  for (const f of fs.readdirSync(dir).filter((n) => /^Pulumi\..+\.yaml$/.test(n) && n !== "Pulumi.yaml"))
    fs.rmSync(path.join(dir, f));
  STACKS.forEach((stack, i) => {
    const config: Record<string, unknown> = {
      "mesh-lab:kubeContext": `ctx-${stack}`,
      "mesh-lab:clusterName": stack,
      "mesh-lab:network": `net${i}`,
      "mesh-lab:apps": APPS,
    };
    for (const [key, value] of Object.entries(layers)) config[`mesh-lab:${key}`] = value(stack);
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
  });
}

const kinds = (tree: Map<string, string>) =>
  new Set([...tree.values()].flatMap((text) => [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1])));

const CASES: { name: string; layers: Record<string, (stack: string) => unknown>; has: string[]; hasNot: string[] }[] = [
  {
    name: "observability.deploy none",
    layers: { observability: () => ({ deploy: "none" }) },
    has: ["Telemetry"],
    hasNot: ["PrometheusRule", "ConfigMap"],
  },
  {
    name: "observability.deploy dashboards",
    layers: { observability: () => ({ deploy: "dashboards" }) },
    has: ["ConfigMap"],
    hasNot: ["PrometheusRule"],
  },
  {
    name: "observability.deploy rules",
    layers: { observability: () => ({ deploy: "rules" }) },
    has: ["PrometheusRule"],
    hasNot: ["ConfigMap"],
  },
  {
    name: "observability.deploy all",
    layers: { observability: () => ({ deploy: "all" }) },
    has: ["PrometheusRule", "ConfigMap"],
    hasNot: [],
  },
  { name: "install.enabled", layers: { install }, has: ["Application"], hasNot: ["PrometheusRule"] },
  {
    name: "gitopsEngines argocd and flux",
    layers: { gitopsEngines: () => ["argocd", "flux"] },
    has: ["Application", "GitRepository", "Kustomization"],
    hasNot: ["PrometheusRule"],
  },
  {
    name: "install.enabled and observability.deploy all",
    layers: { install, observability: () => ({ deploy: "all" }) },
    has: ["Application", "PrometheusRule", "ConfigMap"],
    hasNot: [],
  },
];

describe("npm run render, as a process, with each optional layer on", function () {
  this.timeout(180000);
  let dir: string;
  before(() => (dir = projectCopy()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`renders ${c.name}, and --check then finds the tree up to date`, async () => {
      writeStacks(dir, c.layers);
      fs.rmSync(path.join(dir, "gitops"), { recursive: true, force: true });
      const npm = (...args: string[]): Promise<ProcessResult> =>
        runProcess("npm", ["run", "-s", "render", "--", ...args], { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
      const written = await npm();
      assert.strictEqual(written.status, 0, written.stderr);
      assert.match(written.stderr, /^render: wrote gitops\/ for stacks east, west: /m);
      const tree = readTree(path.join(dir, "gitops"));
      for (const kind of c.has) assert.ok(kinds(tree).has(kind), `no ${kind} in the tree`);
      for (const kind of c.hasNot) assert.ok(!kinds(tree).has(kind), `a ${kind} in the tree`);
      const check = await npm("--check");
      assert.strictEqual(check.status, 0, check.stdout + check.stderr);
    });
  }
});
