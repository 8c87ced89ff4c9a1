import * as assert from "assert";
import { buildPlan } from "../plan/mesh-plan";
import { meshMap } from "../plan/observability/mesh-map";
import { observedCluster } from "../plan/observability/observed";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";

// An app that serves and calls: a real service calls others from its own code. `calls` then declares what it
// calls (the mesh map draws it); only an app without a port becomes the demo caller (a curl loop).
describe("an app that serves and calls", () => {
  const API = {
    name: "api",
    image: "example/api:1",
    args: ["--serve"],
    port: 9090,
    calls: ["web"],
    allowFrom: ["client"],
  };
  const settings = fixtureSettings([{ ...WEB, allowFrom: ["client", "api"] }, API, { ...CLIENT, calls: ["api"] }]);
  const container = (name: string) => {
    const d = buildPlan(settings).objects.find((o) => o.name === `${name}-deployment`)!;
    return (d.manifest as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec
      .template.spec.containers[0];
  };

  it("runs its own command with its args, port and probes: no call loop", () => {
    const c = container("api");
    assert.strictEqual(c.command, undefined);
    assert.deepStrictEqual(c.args, ["--serve"]);
    assert.deepStrictEqual(c.ports, [{ name: "http", containerPort: 9090 }]);
    assert.ok(c.readinessProbe && c.livenessProbe);
    assert.ok(buildPlan(settings).objects.some((o) => o.name === "api-service"));
  });

  it("leaves the demo caller (no port) its curl loop", () => {
    const c = container("client");
    assert.deepStrictEqual((c.command as string[]).slice(0, 2), ["/bin/sh", "-c"]);
    assert.match((c.command as string[])[2], /curl .* http:\/\/api\.api\.svc\.cluster\.local:9090\//);
  });

  it("is drawn calling what it calls on the mesh map", () => {
    assert.match(meshMap(observedCluster(settings)), /^ {2}app_api -->\|calls\| app_web$/m);
  });
});
