import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { buildPlan } from "../plan/mesh-plan";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";
import { fixtureProject, renderCli } from "./support/render-project";

// ports: an app that serves several ports and protocols; port stays the one-HTTP-port short form.
describe("an app with several ports (ports)", () => {
  const GRPC = {
    name: "quotes",
    image: "example/quotes:1",
    ports: [
      { name: "grpc", port: 9000, protocol: "grpc" },
      { name: "http", port: 8080, protocol: "http" },
      { name: "metrics", port: 9102, protocol: "tcp" },
    ],
    allowFrom: ["client"],
  };
  const manifest = (apps: unknown[], role: string, name: string) =>
    buildPlan(fixtureSettings(apps)).objects.find((o) => o.name === `${name}-${role}`)!.manifest as any;

  it("gives the Service every port, with its protocol as appProtocol, and the container every port", () => {
    const service = manifest([GRPC, { ...CLIENT, calls: ["quotes"] }], "service", "quotes");
    assert.deepStrictEqual(service.spec.ports, [
      { name: "grpc", port: 9000, targetPort: "grpc", appProtocol: "grpc" },
      { name: "http", port: 8080, targetPort: "http", appProtocol: "http" },
      { name: "metrics", port: 9102, targetPort: "metrics", appProtocol: "tcp" },
    ]);
    const container = manifest([GRPC], "deployment", "quotes").spec.template.spec.containers[0];
    assert.deepStrictEqual(container.ports, [
      { name: "grpc", containerPort: 9000 },
      { name: "http", containerPort: 8080 },
      { name: "metrics", containerPort: 9102 },
    ]);
    assert.deepStrictEqual(container.readinessProbe.httpGet, { path: "/", port: "http" });
  });

  it("lets the demo caller call its HTTP port", () => {
    const loop = manifest([GRPC, { ...CLIENT, calls: ["quotes"] }], "deployment", "client").spec.template.spec
      .containers[0].command[2];
    assert.match(loop, /http:\/\/quotes\.quotes\.svc\.cluster\.local:8080\//);
  });

  it("probes an app without an HTTP port by opening its first port", () => {
    const tcp = { ...GRPC, ports: [{ name: "db", port: 5432, protocol: "tcp" }] };
    const container = manifest([tcp], "deployment", "quotes").spec.template.spec.containers[0];
    assert.deepStrictEqual(container.readinessProbe.tcpSocket, { port: "db" });
    assert.strictEqual(container.readinessProbe.httpGet, undefined);
  });

  it("keeps port as the short form: the same Service as one http port", () => {
    const short = manifest([WEB], "service", "web");
    assert.deepStrictEqual(short.spec.ports, [{ name: "http", port: 8080, targetPort: "http", appProtocol: "http" }]);
  });

  it("refuses port with ports, bad names, duplicates, and a demo caller of an app without HTTP, naming the key", () => {
    assert.throws(
      () => fixtureSettings([{ ...GRPC, port: 8080 }]),
      /key "mesh-lab:apps\[0\]\.ports" is .*; expected either port \(one HTTP port\) or ports, not both/,
    );
    assert.throws(
      () => fixtureSettings([{ ...GRPC, ports: [{ name: "Web_1", port: 80, protocol: "http" }] }]),
      /key "mesh-lab:apps\[0\]\.ports\[0\]\.name" is "Web_1"; expected a port name/,
    );
    assert.throws(
      () => fixtureSettings([{ ...GRPC, ports: [{ name: "a", port: 80, protocol: "udp" }] }]),
      /key "mesh-lab:apps\[0\]\.ports\[0\]\.protocol" is "udp"; expected one of http, grpc, tcp/,
    );
    assert.throws(
      () =>
        fixtureSettings([
          {
            ...GRPC,
            ports: [
              { name: "a", port: 80, protocol: "http" },
              { name: "b", port: 80, protocol: "tcp" },
            ],
          },
        ]),
      /key "mesh-lab:apps\[0\]\.ports\[1\]" is .*; expected a name and a port no other entry has \(mesh-lab:apps\[0\]\.ports\[0\] shares one\)/,
    );
    const tcpOnly = { ...GRPC, ports: [{ name: "db", port: 5432, protocol: "tcp" }] };
    assert.throws(
      () => fixtureSettings([tcpOnly, { ...CLIENT, calls: ["quotes"] }]),
      /key "mesh-lab:apps\[1\]\.calls\[0\]" is "quotes"; expected an app with an HTTP port: the demo caller calls with curl/,
    );
  });

  it("renders, schema-valid and built with kustomize", async function () {
    this.timeout(60000);
    const dir = fixtureProject({ east: { apps: [GRPC, { ...CLIENT, calls: ["quotes"] }] } });
    try {
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.ok(fs.existsSync(path.join(dir, "gitops", "apps", "quotes", "service-quotes.quotes.yaml")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
