import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { telemetryWarnings } from "../plan/telemetry-warnings";
import { ROOT, SAMPLE, STACKS, stackSettings } from "./support/stacks";
import { CLIENT, FIXTURE_APPS, fixtureRaw, fixtureSettings, WEB } from "./support/fixtures";
import { runScript } from "./support/run-script";
import { ProcessResult, runProcess } from "./support/spawn";
import { requestCount, SLOW_REQUEST_PROBLEM, SOURCE_NAMESPACE_PROBLEM, upsert, WORKSHOP } from "./support/workshop";

/** The problems parseSettings reports for a fixture stack with this telemetry, or [] when it accepts it. */
function problems(telemetry: unknown): readonly string[] {
  try {
    parseSettings("test", fixtureRaw(FIXTURE_APPS, { telemetry }));
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe("telemetry config: tag expressions are refused at config load", () => {
  it("accepts the default tags of Pulumi.yaml in every stack", () => {
    for (const stack of STACKS) assert.ok(stackSettings(stack).telemetry.overrides.length > 0, stack);
  });

  it("lets the workshop's valid tag through (its two broken ones are rows of tests/bad-config.test.ts)", () => {
    assert.deepStrictEqual(problems(requestCount(upsert({ error_type: WORKSHOP.error_type }))), []);
  });

  describe("the shape of an override (refusals: tests/bad-config.test.ts)", () => {
    it("accepts REMOVE without a value, and valid expressions for every mode", () => {
      assert.deepStrictEqual(problems(requestCount({ request_protocol: { operation: "REMOVE" } })), []);
      for (const mode of ["CLIENT_AND_SERVER", "CLIENT", "SERVER"]) {
        assert.deepStrictEqual(
          problems({
            overrides: [
              {
                match: { metric: "TCP_SENT_BYTES", mode },
                tagOverrides: upsert({ peer_ns: "filter_state.upstream_peer.namespace" }),
              },
            ],
          }),
          [],
        );
      }
    });
  });
});

describe("telemetry warnings: request-metric overrides where no waypoint produces request metrics", () => {
  const settings = (apps: readonly unknown[], changes: Record<string, unknown>) => fixtureSettings(apps, changes);
  const tags = upsert({ error_type: WORKSHOP.error_type });
  const noWaypoint = [{ ...WEB, waypoint: false }, CLIENT];

  it("warns nothing for the repo's stacks as they are", () => {
    for (const stack of STACKS) assert.deepStrictEqual(telemetryWarnings(stackSettings(stack)), [], stack);
  });

  it("warns when a serving app has no waypoint, naming the override, the namespace and the fix", () => {
    assert.deepStrictEqual(telemetryWarnings(settings(noWaypoint, { telemetry: requestCount(tags) })), [
      'stack "test": key "mesh-lab:telemetry.overrides[0]" (REQUEST_COUNT: error_type) changes nothing in namespace "web": ' +
        "it has no waypoint (mesh-lab:apps[0].waypoint is false), and in ambient mode request metrics come only from a waypoint " +
        '(ztunnel\'s traffic metrics are istio_tcp_* only, and it ignores the Telemetry API); set waypoint: true on app "web", or expect no effect there',
    ]);
  });

  it("names the stack's appOverrides key when that is what turned the waypoint off", () => {
    const [warning] = telemetryWarnings(
      settings(FIXTURE_APPS, { telemetry: requestCount(tags), appOverrides: { web: { waypoint: false } } }),
    );
    assert.match(warning, /it has no waypoint \(mesh-lab:appOverrides\.web\.waypoint is false\)/);
  });

  it("names the stack switch when waypoints are off for the whole stack", () => {
    assert.deepStrictEqual(
      telemetryWarnings(settings(FIXTURE_APPS, { waypoints: "false", telemetry: requestCount(tags, "ALL_METRICS") })),
      [
        'stack "test": key "mesh-lab:telemetry.overrides[0]" (ALL_METRICS: error_type) changes nothing in namespace "web": ' +
          "it has no waypoint (mesh-lab:waypoints is false), and in ambient mode request metrics come only from a waypoint " +
          "(ztunnel's traffic metrics are istio_tcp_* only, and it ignores the Telemetry API); set mesh-lab:waypoints to true, or expect no effect there",
      ],
    );
  });

  // Which metrics a waypoint alone produces: every request metric (and ALL_METRICS, which includes them), no TCP one.
  const REQUEST_METRICS = [
    "ALL_METRICS",
    "REQUEST_COUNT",
    "REQUEST_DURATION",
    "REQUEST_SIZE",
    "RESPONSE_SIZE",
    "GRPC_REQUEST_MESSAGES",
    "GRPC_RESPONSE_MESSAGES",
  ];
  const TCP_METRICS = ["TCP_OPENED_CONNECTIONS", "TCP_CLOSED_CONNECTIONS", "TCP_SENT_BYTES", "TCP_RECEIVED_BYTES"];
  for (const metric of REQUEST_METRICS) {
    it(`warns for ${metric} without a waypoint, and not with one`, () => {
      assert.strictEqual(telemetryWarnings(settings(noWaypoint, { telemetry: requestCount(tags, metric) })).length, 1);
      assert.deepStrictEqual(telemetryWarnings(settings(FIXTURE_APPS, { telemetry: requestCount(tags, metric) })), []);
    });
  }
  for (const metric of TCP_METRICS) {
    it(`does not warn for ${metric}: ztunnel produces it`, () => {
      assert.deepStrictEqual(telemetryWarnings(settings(noWaypoint, { telemetry: requestCount(tags, metric) })), []);
    });
  }

  it("warns once per request override, naming each serving app without a waypoint, never a client", () => {
    const api = { ...WEB, name: "api", allowFrom: ["client"], waypoint: false };
    const telemetry = {
      overrides: [
        requestCount(tags).overrides[0],
        requestCount(tags, "TCP_SENT_BYTES").overrides[0],
        requestCount(upsert({ slow: "'x'" }), "REQUEST_SIZE").overrides[0],
      ],
    };
    const warnings = telemetryWarnings(
      settings([{ ...WEB, waypoint: false }, api, { ...CLIENT, calls: ["web", "api"] }], { telemetry }),
    );
    assert.deepStrictEqual(
      warnings.map((w) =>
        w
          .match(
            /key "([^"]+)" \(([^)]*)\) changes nothing in (2 namespaces \([^)]*\)): they have no waypoint \(([^)]*) are false\)/,
          )!
          .slice(1)
          .join(" | "),
      ),
      [
        'mesh-lab:telemetry.overrides[0] | REQUEST_COUNT: error_type | 2 namespaces ("web", "api") | mesh-lab:apps[0].waypoint, mesh-lab:apps[1].waypoint',
        'mesh-lab:telemetry.overrides[2] | REQUEST_SIZE: slow | 2 namespaces ("web", "api") | mesh-lab:apps[0].waypoint, mesh-lab:apps[1].waypoint',
      ],
    );
    assert.match(warnings[0], /; set waypoint: true on those apps, or expect no effect there$/);
  });

  it("keeps a fleet's warning to one line per override: the first five apps, then how many more", () => {
    const apps = Array.from({ length: 12 }, (_, i) => ({ ...WEB, name: `web-${i}`, waypoint: false }));
    const clients = [{ ...CLIENT, calls: ["web-0"] }];
    const warnings = telemetryWarnings(settings([...apps, ...clients], { telemetry: requestCount(tags) }));
    assert.strictEqual(warnings.length, 1);
    assert.match(
      warnings[0],
      /changes nothing in 12 namespaces \("web-0", "web-1", "web-2", "web-3", "web-4" and 7 more\): they have no waypoint \(mesh-lab:apps\[0\]\.waypoint, mesh-lab:apps\[1\]\.waypoint, mesh-lab:apps\[2\]\.waypoint, mesh-lab:apps\[3\]\.waypoint, mesh-lab:apps\[4\]\.waypoint and 7 more are false\)/,
    );
    const off = telemetryWarnings(
      settings([...apps, ...clients], { waypoints: "false", telemetry: requestCount(tags) }),
    );
    assert.match(off[0], /they have no waypoint \(mesh-lab:waypoints is false\).*; set mesh-lab:waypoints to true, or/);
  });
});

describe("npm run check:telemetry", () => {
  const script = path.join(ROOT, "scripts", "check-telemetry.ts");
  // As package.json's check:telemetry runs it.
  const check = (...args: string[]) =>
    runProcess(process.execPath, ["--require", "tsx/cjs", script, ...args], { cwd: ROOT });
  const inProcess = (...args: string[]) => Promise.resolve(runScript(script, args));
  const telemetry = requestCount(upsert(WORKSHOP));
  const dirs: string[] = [];

  /** A directory with the project's Pulumi.yaml and one stack file, `Pulumi.<stack>.yaml`, holding these values. */
  function project(stack: string, config: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-check-"));
    dirs.push(dir);
    fs.copyFileSync(path.join(SAMPLE, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const values = {
      "mesh-lab:kubeContext": "k3d-test",
      "mesh-lab:clusterName": "test",
      "mesh-lab:network": "network1",
      ...config,
    };
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), JSON.stringify({ config: values }));
    return dir;
  }

  // One real process (tsx and the whole config stack: seconds) proves the wiring and the exit code; the other
  // cases run the same script in this process, inside their own test (so Stryker credits that test with the code).
  let real: Promise<ProcessResult>;
  before(() => {
    real = check("--dir", SAMPLE);
  });
  after(async () => {
    await Promise.allSettled([real]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("passes the sample's stacks with exit code 0", async () => {
    const result = await real;
    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(
      result.stdout.trim().split("\n"),
      STACKS.map((s) => `stack "${s}": ok, 2 tag expression(s) checked`),
    );
  });

  it("fails a broken stack with exit code 1 and the same message a preview gives", async () => {
    const result = await inProcess(
      "--dir",
      project("workshop", { "mesh-lab:telemetry": telemetry, "mesh-lab:apps": FIXTURE_APPS }),
    );
    assert.strictEqual(result.status, 1, result.stdout);
    let preview = "";
    assert.throws(
      () => parseSettings("workshop", fixtureRaw(FIXTURE_APPS, { telemetry })),
      (e: Error) => (preview = e.message) !== "",
    );
    assert.strictEqual(result.stderr.trim(), preview);
    assert.ok(result.stderr.includes(SLOW_REQUEST_PROBLEM) && result.stderr.includes(SOURCE_NAMESPACE_PROBLEM));
  });

  it("prints warnings but passes with exit code 0", async () => {
    const result = await inProcess(
      "--dir",
      project("nowaypoint", { "mesh-lab:apps": [{ ...WEB, waypoint: false }, CLIENT] }),
      "--stack",
      "nowaypoint",
    );
    assert.strictEqual(result.status, 0, result.stderr);
    const [okLine, warning] = result.stdout.trim().split("\n");
    assert.strictEqual(okLine, 'stack "nowaypoint": ok, 2 tag expression(s) checked');
    assert.match(
      warning,
      /^warning: stack "nowaypoint": key "mesh-lab:telemetry.overrides\[0\]" \(REQUEST_COUNT: error_type, slow_request\) changes nothing in namespace "web"/,
    );
  });

  it("exits 2 on a stack that does not exist or an unknown argument", async () => {
    const unknownStack = await inProcess("--dir", SAMPLE, "--stack", "cluster-9");
    assert.strictEqual(unknownStack.status, 2);
    assert.strictEqual(
      unknownStack.stderr.split("\n")[0],
      `no stack "cluster-9" in ${SAMPLE}; stacks: ${STACKS.join(", ")}`,
    );
    assert.strictEqual((await inProcess("--stacks", "cluster-1")).status, 2);
  });
});
