import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { buildPlan } from "../plan/mesh-plan";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";
import { fixtureProject, renderCli } from "./support/render-project";

// Edge cases of the app keys and the render's stray-file report.
describe("app keys: the combinations that were easy to get wrong", () => {
  it("accepts args on an app that serves on ports and calls (it is no demo caller)", () => {
    const api = {
      name: "api",
      image: "example/api:1",
      args: ["--serve"],
      ports: [{ name: "grpc", port: 9000, protocol: "grpc" }],
      calls: ["web"],
    };
    const d = buildPlan(fixtureSettings([WEB, CLIENT, api])).objects.find((o) => o.name === "api-deployment")!;
    const c = (d.manifest as any).spec.template.spec.containers[0];
    assert.deepStrictEqual([c.command, c.args], [undefined, ["--serve"]]);
  });

  it("accepts a suffix path (*.json) and an own service account in allowFrom", () => {
    const chart = {
      name: "orders",
      port: 8080,
      waypoint: true,
      workload: false,
      serviceAccounts: ["orders-api", "orders-worker"],
      allowFrom: ["orders/orders-worker", { from: "client", paths: ["*.json"] }],
    };
    const app = fixtureSettings([CLIENT, chart, WEB]).apps.find((a) => a.name === "orders")!;
    assert.deepStrictEqual(app.allowFrom, [
      { namespace: "orders", serviceAccount: "orders-worker" },
      { namespace: "client", paths: ["*.json"] },
    ]);
  });

  it("refuses replicas and global overrides of a chart's app, and a port name with two hyphens", () => {
    const chart = { name: "orders", port: 8080, workload: false };
    assert.throws(
      () => fixtureSettings([chart], { appOverrides: { orders: { replicas: 2 } } }),
      /key "mesh-lab:appOverrides\.orders\.replicas" is 2; expected no replicas for an app with workload: false/,
    );
    assert.throws(
      () => fixtureSettings([{ ...WEB, port: undefined, ports: [{ name: "a--b", port: 80, protocol: "http" }] }]),
      /key "mesh-lab:apps\[0\]\.ports\[0\]\.name" is "a--b"; expected a port name/,
    );
  });
});

describe("render: what it reports as not its own", function () {
  this.timeout(60000);
  it("names neither a file it wrote and now removes, nor a killed render's temporary file", async () => {
    const dir = fixtureProject({ east: { apps: [WEB, CLIENT] }, west: { apps: [WEB, CLIENT] } });
    try {
      assert.strictEqual((await renderCli(dir)).code, 0);
      fs.rmSync(path.join(dir, "Pulumi.west.yaml"));
      fs.writeFileSync(path.join(dir, "gitops", "clusters", "east", ".kustomization.yaml.render-tmp-999999"), "x");
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /did not write/);
      assert.ok(!fs.existsSync(path.join(dir, "gitops", "argocd", "west.yaml")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
