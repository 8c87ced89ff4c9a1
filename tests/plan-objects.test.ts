import * as assert from "assert";
import { buildPlan } from "../plan/mesh-plan";
import { MeshPlan, PlannedObject } from "../plan/types";
import { CLIENT, FIXTURE_APPS, fixtureSettings, WEB } from "./support/fixtures";

// What the plan holds, on fixture apps (not Pulumi.yaml's defaults): behaviour of the objects, read from
// buildPlan directly. How they are registered (provider, parent, retainOnDelete) is tested on the program.
const plan = (apps: readonly unknown[] = FIXTURE_APPS, changes: Record<string, unknown> = {}) =>
  buildPlan(fixtureSettings(apps, changes));
function get(p: MeshPlan, name: string): PlannedObject {
  const found = p.objects.find((o) => o.name === name);
  if (!found) throw new Error(`no ${name} in the plan: ${p.objects.map((o) => o.name).join(", ")}`);
  return found;
}
type Pod = { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
const container = (p: MeshPlan, app: string) =>
  (get(p, `${app}-deployment`).manifest as unknown as Pod).spec.template.spec.containers[0];

describe("the plan (buildPlan), on fixture apps", () => {
  it("plans a serving app's objects in registration order, each after what it depends on", () => {
    const p = plan();
    assert.deepStrictEqual(
      p.objects.filter((o) => o.app === "web").map((o) => o.name),
      [
        "web-namespace",
        "web-waypoint",
        "web-telemetry",
        "web-deny-all",
        "web-waypoint-deny-all",
        "web-allow-from-client",
        "web-allow-waypoint",
        "web-serviceaccount",
        "web-deployment",
        "web-service",
      ],
    );
    const seen = new Set<string>();
    for (const o of p.objects) {
      for (const d of o.dependsOn) assert.ok(seen.has(d), `${o.name} depends on ${d}, planned after it`);
      seen.add(o.name);
    }
    assert.deepStrictEqual(get(p, "web-deployment").dependsOn, [
      "web-namespace",
      "web-serviceaccount",
      "web-deny-all",
      "web-waypoint-deny-all",
      "web-allow-from-client",
      "web-allow-waypoint",
    ]);
  });

  it("gives a client no Service, no Telemetry, no waypoint", () => {
    assert.deepStrictEqual(
      plan()
        .objects.filter((o) => o.app === "client")
        .map((o) => o.name),
      ["client-namespace", "client-deny-all", "client-serviceaccount", "client-deployment"],
    );
  });

  it("keeps namespaces, workloads and their deny-all on delete, never another policy, the waypoint or Telemetry", () => {
    const kept = plan()
      .objects.filter((o) => o.keep)
      .map((o) => o.name);
    assert.deepStrictEqual(kept, [
      "web-namespace",
      "web-deny-all",
      "web-serviceaccount",
      "web-deployment",
      "web-service",
      "client-namespace",
      "client-deny-all",
      "client-serviceaccount",
      "client-deployment",
    ]);
  });

  it("files namespaces and Telemetry under base, workloads under the app, policies and waypoints per cluster", () => {
    const layers = Object.fromEntries(
      plan()
        .objects.filter((o) => o.app === "web")
        .map((o) => [o.manifest.kind, o.layer]),
    );
    assert.deepStrictEqual(layers, {
      Namespace: "base",
      Telemetry: "base",
      Gateway: "cluster",
      AuthorizationPolicy: "cluster",
      ServiceAccount: "app",
      Deployment: "app",
      Service: "app",
    });
  });

  it("serves on the app's own port: the container port, and the Service's", () => {
    const p = plan([{ ...WEB, port: 9090 }, CLIENT]);
    assert.deepStrictEqual(container(p, "web").ports, [{ name: "http", containerPort: 9090 }]);
    const svc = get(p, "web-service").manifest as unknown as { spec: { ports: unknown[] } };
    assert.deepStrictEqual(svc.spec.ports, [{ name: "http", port: 9090, targetPort: "http", appProtocol: "http" }]);
    assert.match((container(p, "client").command as string[])[2], /http:\/\/web\.web\.svc\.cluster\.local:9090\//);
  });

  it("labels a Service istio.io/global only when the app says global: true (the default is local)", () => {
    const labels = (p: MeshPlan) => get(p, "web-service").manifest.metadata.labels!;
    assert.strictEqual(labels(plan())["istio.io/global"], undefined);
    assert.strictEqual(labels(plan([{ ...WEB, global: true }, CLIENT]))["istio.io/global"], "true");
    assert.strictEqual(labels(plan([{ ...WEB, global: false }, CLIENT]))["istio.io/global"], undefined);
  });

  it("runs the app's replicas, image and args", () => {
    const p = plan([{ ...WEB, replicas: 0 }, CLIENT]);
    assert.strictEqual(
      (get(p, "web-deployment").manifest as unknown as { spec: { replicas: number } }).spec.replicas,
      0,
    );
    assert.strictEqual(container(p, "web").image, "nginx:1.27");
    assert.deepStrictEqual(container(p, "web").args, ["-p", "8080"]);
  });

  for (const [what, apps, changes] of [
    ["waypoints off for the stack", FIXTURE_APPS, { waypoints: "false" }],
    ["waypoint off for the app", [{ ...WEB, waypoint: false }, CLIENT], {}],
  ] as const) {
    it(`with ${what}: no Gateway, no use-waypoint label, no waypoint allow`, () => {
      const p = plan(apps, changes);
      assert.deepStrictEqual(
        p.objects.filter((o) => o.manifest.kind === "Gateway"),
        [],
      );
      assert.strictEqual(get(p, "web-namespace").manifest.metadata.labels!["istio.io/use-waypoint"], undefined);
      assert.strictEqual(get(p, "web-namespace").manifest.metadata.labels!["istio.io/ingress-use-waypoint"], undefined);
      assert.deepStrictEqual(
        p.objects.filter((o) => o.app === "web" && o.manifest.kind === "AuthorizationPolicy").map((o) => o.name),
        ["web-deny-all", "web-allow-from-client"],
      );
    });
  }

  it("with a waypoint: the namespace uses it", () => {
    assert.strictEqual(get(plan(), "web-namespace").manifest.metadata.labels!["istio.io/use-waypoint"], "waypoint");
  });

  it("carries the config warnings, so both consumers print them", () => {
    const tags = { overrides: [{ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { value: "'x'" } } }] };
    assert.strictEqual(plan([{ ...WEB, waypoint: false }, CLIENT], { telemetry: tags }).warnings.length, 1);
    assert.deepStrictEqual(plan(FIXTURE_APPS, { telemetry: tags }).warnings, []);
  });
});
