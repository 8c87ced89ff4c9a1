import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { buildPlan } from "../plan/mesh-plan";
import { meshMap } from "../plan/observability/mesh-map";
import { observedCluster } from "../plan/observability/observed";
import { parseSettings } from "../config/parse-settings";
import { CLIENT, fixtureRaw, fixtureSettings, WEB } from "./support/fixtures";
import { fixtureProject, renderCli, snapshot } from "./support/render-project";
import { run } from "./support/stacks";

// workload: false: the team's own chart deploys the workload; mesh-lab keeps the mesh layer of its namespace.
describe("an app whose workload comes from the team's own chart (workload: false)", () => {
  const CHART = {
    name: "orders",
    port: 8080,
    waypoint: true,
    workload: false,
    serviceAccounts: ["orders-api", "orders-worker"],
    allowFrom: ["client"],
  };
  const APPS = [
    { ...WEB, allowFrom: ["client", "orders/orders-worker"] },
    { ...CLIENT, calls: ["web", "orders"] },
    CHART,
  ];
  const settings = fixtureSettings(APPS);
  const objects = buildPlan(settings).objects.filter((o) => o.app === "orders");

  it("gets its namespace, waypoint, Telemetry and policies, and no ServiceAccount, Deployment or Service", () => {
    assert.deepStrictEqual(
      objects.map((o) => o.manifest.kind),
      ["Namespace", "Gateway", "Telemetry", ...Array<string>(4).fill("AuthorizationPolicy")],
    );
  });

  it("registers the same under pulumi up's program, and no policy-check Job for it", async () => {
    const capture = await run(parseSettings("test", fixtureRaw(APPS, { verifyPolicies: true })));
    const kinds = capture.resources.filter((r) => r.name.startsWith("orders-")).map((r) => r.type);
    assert.ok(!kinds.some((t) => /Deployment|core\/v1:Service$|ServiceAccount/.test(t)), kinds.join(", "));
    const jobs = capture.resources.filter((r) => r.type.endsWith("batch/v1:Job")).map((r) => r.name);
    assert.ok(
      jobs.some((n) => n.startsWith("web-check")),
      jobs.join(", "),
    );
    assert.ok(!jobs.some((n) => n.startsWith("orders-check")), jobs.join(", "));
  });

  it("admits the chart's workload where another app allows one of its service accounts", () => {
    assert.match(meshMap(observedCluster(settings)), /app_orders[^\n]*app_web/);
  });

  it("refuses an image, and serviceAccounts on an app mesh-lab deploys, naming the key", () => {
    assert.throws(
      () => fixtureSettings([{ ...CHART, image: "example/orders:1" }]),
      /key "mesh-lab:apps\[0\]\.image" is "example\/orders:1"; expected no image with workload: false: the team's own chart runs the workload/,
    );
    assert.throws(
      () => fixtureSettings([{ ...WEB, serviceAccounts: ["web-api"] }]),
      /key "mesh-lab:apps\[0\]\.serviceAccounts" is \["web-api"\]; expected no serviceAccounts on an app mesh-lab deploys: its pods run as "web"; set workload: false to name a chart's/,
    );
    assert.throws(
      () => fixtureSettings([{ name: "web", port: 8080 }]),
      /key "mesh-lab:apps\[0\]\.image" is missing; expected an image reference with a tag or a digest/,
    );
  });

  it("renders through npm run render's path, schema-valid, with no workload files for it", async function () {
    this.timeout(60000);
    const dir = fixtureProject({ east: { apps: [{ ...WEB, allowFrom: ["client"] }, CLIENT, CHART] } });
    try {
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(fs.existsSync(path.join(dir, "gitops", "apps", "orders")), false);
      assert.ok([...snapshot(path.join(dir, "gitops")).keys()].some((p) => p.includes("orders.allow-from-client")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
