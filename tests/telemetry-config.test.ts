import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CaptureError, runProgram } from "./support/run-program";
import { parseSettings } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { readStackInputs } from "../config/pulumi-config";
import { telemetryWarnings } from "../plan/telemetry-warnings";
import { defaultApps, program, ROOT, STACKS, stackSettings, withConfig } from "./support/stacks";

const WORKSHOP = {
  error_type: "response.code >= 500 ? 'server_error' : (response.code >= 400 ? 'client_error' : 'none')",
  slow_request: "response.duration > 1000 ? 'true' : 'false'",
  source_namespace: "source.namespace | 'unknown'",
};

const requestCount = (tags: Record<string, unknown>, metric = "REQUEST_COUNT") => ({ overrides: [{ match: { metric }, tagOverrides: tags }] });
const upsert = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).map(([t, value]) => [t, { operation: "UPSERT", value }]));

const SLOW_REQUEST_PROBLEM = [
  'key "mesh-lab:telemetry.overrides[0].tagOverrides.slow_request.value" (metric REQUEST_COUNT, tag slow_request): unknown attribute at column 1: response.duration is not an Envoy attribute',
  "      response.duration > 1000 ? 'true' : 'false'",
  "      ^~~~~~~~~~~~~~~~~",
  `    fix: did you mean request.duration (duration: total duration of the request)? With it, ">" is not defined for duration and int; ` +
    "write the number as a duration: request.duration > duration('1s') ? 'true' : 'false' (1000 read as milliseconds)",
].join("\n");

const SOURCE_NAMESPACE_PROBLEM = [
  'key "mesh-lab:telemetry.overrides[0].tagOverrides.source_namespace.value" (metric REQUEST_COUNT, tag source_namespace): syntax error at column 18: "|" is not a CEL operator',
  "      source.namespace | 'unknown'",
  "                       ^",
  `    fix: "x | y" is Mixer syntax; CEL writes a fallback as has(x) ? x : y. source.namespace is not an Envoy attribute either: ` +
    "did you mean filter_state.downstream_peer.namespace (string: the caller's namespace; the standard label source_workload_namespace already carries it)? " +
    "Together: has(filter_state.downstream_peer.namespace) ? filter_state.downstream_peer.namespace : 'unknown'",
].join("\n");

/** The problems parseSettings reports for cluster-1 with this telemetry, or [] when it accepts it. */
function problems(telemetry: unknown): readonly string[] {
  try {
    parseSettings("cluster-1", withConfig("cluster-1", { telemetry }));
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

  it("refuses the workshop's two broken tags, names the stack, and lets the valid one through", () => {
    assert.throws(() => parseSettings("cluster-2", withConfig("cluster-2", { telemetry: requestCount(upsert(WORKSHOP)) })), {
      name: "ConfigError",
      message: `stack "cluster-2" has 2 config problem(s):\n  - ${SLOW_REQUEST_PROBLEM}\n  - ${SOURCE_NAMESPACE_PROBLEM}`,
    });
    assert.deepStrictEqual(problems(requestCount(upsert({ error_type: WORKSHOP.error_type }))), []);
  });

  it("refuses before anything is registered, on the path `pulumi up` takes", async () => {
    // given the stack's config as the CLI hands it over, with the workshop's tags
    pulumi.runtime.setAllConfig({ ...withConfig("cluster-1", { telemetry: requestCount(upsert(WORKSHOP)) }) });
    try {
      // when the program's entry point runs
      const failed = await runProgram(() => program(readStackInputs())()).catch((e: unknown) => e);
      // then it fails with the CEL problems and registered nothing
      assert.ok(failed instanceof CaptureError, String(failed));
      assert.ok(failed.cause instanceof ConfigError, String(failed.cause));
      assert.deepStrictEqual(failed.cause.problems, [SLOW_REQUEST_PROBLEM, SOURCE_NAMESPACE_PROBLEM]);
      assert.deepStrictEqual(failed.resources, []);
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  it("labels a CEL problem with the metric as given when the metric itself is wrong", () => {
    const [metric, cel] = problems(requestCount(upsert({ t: "request.size > '1'" }), "REQUEST_COUNTS"));
    assert.match(metric, /^key "mesh-lab:telemetry.overrides\[0\].match.metric" is "REQUEST_COUNTS"; expected one of ALL_METRICS, /);
    assert.strictEqual(
      cel.split("\n")[0],
      'key "mesh-lab:telemetry.overrides[0].tagOverrides.t.value" (metric "REQUEST_COUNTS", tag t): type mismatch at column 1: ">" is not defined for int and string',
    );
  });

  describe("the shape of an override", () => {
    const cases: [string, unknown, string][] = [
      ["UPSERT without a value", requestCount({ a: { operation: "UPSERT" } }), 'key "mesh-lab:telemetry.overrides[0].tagOverrides.a.value" is missing; expected a CEL expression: UPSERT needs a value'],
      ["the default operation (UPSERT) without a value", requestCount({ a: {} }), 'key "mesh-lab:telemetry.overrides[0].tagOverrides.a.value" is missing; expected a CEL expression: UPSERT needs a value'],
      ["REMOVE with a value", requestCount({ request_protocol: { operation: "REMOVE", value: "'x'" } }), `key "mesh-lab:telemetry.overrides[0].tagOverrides.request_protocol.value" is "'x'"; expected no value: REMOVE drops the tag`],
      ["a value that is not a string", requestCount({ a: { value: 500 } }), 'key "mesh-lab:telemetry.overrides[0].tagOverrides.a.value" is 500; expected a CEL expression (non-empty string)'],
      [
        "an unknown metric",
        requestCount(upsert({ a: "'x'" }), "REQUEST_COUNTS"),
        'key "mesh-lab:telemetry.overrides[0].match.metric" is "REQUEST_COUNTS"; expected one of ALL_METRICS, REQUEST_COUNT, REQUEST_DURATION, REQUEST_SIZE, RESPONSE_SIZE, TCP_OPENED_CONNECTIONS, TCP_CLOSED_CONNECTIONS, TCP_SENT_BYTES, TCP_RECEIVED_BYTES, GRPC_REQUEST_MESSAGES, GRPC_RESPONSE_MESSAGES',
      ],
      ["an unknown mode", { overrides: [{ match: { metric: "REQUEST_COUNT", mode: "BOTH" }, tagOverrides: upsert({ a: "'x'" }) }] }, 'key "mesh-lab:telemetry.overrides[0].match.mode" is "BOTH"; expected one of CLIENT_AND_SERVER, CLIENT, SERVER'],
      ["an unknown operation", requestCount({ a: { operation: "INSERT", value: "'x'" } }), 'key "mesh-lab:telemetry.overrides[0].tagOverrides.a.operation" is "INSERT"; expected one of UPSERT, REMOVE'],
    ];
    for (const [what, telemetry, expected] of cases) {
      it(`refuses ${what}`, () => assert.deepStrictEqual(problems(telemetry), [expected]));
    }

    it("accepts REMOVE without a value, and valid expressions for every mode", () => {
      assert.deepStrictEqual(problems(requestCount({ request_protocol: { operation: "REMOVE" } })), []);
      for (const mode of ["CLIENT_AND_SERVER", "CLIENT", "SERVER"]) {
        assert.deepStrictEqual(problems({ overrides: [{ match: { metric: "TCP_SENT_BYTES", mode }, tagOverrides: upsert({ peer_ns: "filter_state.upstream_peer.namespace" }) }] }), []);
      }
    });
  });
});

describe("telemetry warnings: request-metric overrides where no waypoint produces request metrics", () => {
  const [accounts, finance] = defaultApps();
  const settings = (changes: Record<string, unknown>) => parseSettings("cluster-1", withConfig("cluster-1", changes));
  const tags = upsert({ error_type: WORKSHOP.error_type });

  it("warns nothing for the stacks as they are (accounts has a waypoint)", () => {
    for (const stack of STACKS) assert.deepStrictEqual(telemetryWarnings(stackSettings(stack)), [], stack);
  });

  it("warns when a serving app has no waypoint, naming the override, the namespace and the fix", () => {
    assert.deepStrictEqual(telemetryWarnings(settings({ apps: [{ ...accounts, waypoint: false }, finance], telemetry: requestCount(tags) })), [
      'stack "cluster-1": key "mesh-lab:telemetry.overrides[0]" (REQUEST_COUNT: error_type) changes nothing in namespace "accounts": ' +
        "it has no waypoint (mesh-lab:apps[0].waypoint is false), and in ambient mode request metrics come only from a waypoint " +
        '(ztunnel emits istio_tcp_* only and ignores the Telemetry API); set waypoint: true on app "accounts", or expect no effect there',
    ]);
  });

  it("names the stack switch when waypoints are off for the whole stack, and counts ALL_METRICS as request metrics", () => {
    const [warning] = telemetryWarnings(settings({ waypoints: "false", telemetry: requestCount(tags, "ALL_METRICS") }));
    assert.strictEqual(
      warning,
      'stack "cluster-1": key "mesh-lab:telemetry.overrides[0]" (ALL_METRICS: error_type) changes nothing in namespace "accounts": ' +
        "it has no waypoint (mesh-lab:waypoints is false), and in ambient mode request metrics come only from a waypoint " +
        "(ztunnel emits istio_tcp_* only and ignores the Telemetry API); set mesh-lab:waypoints to true, or expect no effect there",
    );
  });

  it("does not warn for TCP metrics, nor for apps that serve nothing (they get no Telemetry)", () => {
    assert.deepStrictEqual(telemetryWarnings(settings({ apps: [{ ...accounts, waypoint: false }, finance], telemetry: requestCount(tags, "TCP_SENT_BYTES") })), []);
    assert.deepStrictEqual(telemetryWarnings(settings({ apps: [accounts, { ...finance, waypoint: false }], telemetry: requestCount(tags) })), []);
  });
});

describe("npm run check:telemetry", () => {
  const tsNode = require.resolve("ts-node/dist/bin.js");
  const script = path.join(ROOT, "scripts", "check-telemetry.ts");
  const [accounts, finance] = defaultApps();
  const check = (...args: string[]) => spawnSync(process.execPath, [tsNode, "--transpile-only", script, ...args], { cwd: ROOT, encoding: "utf8" });
  let dir: string;

  /** A copy of the project's Pulumi.yaml with one stack file, `Pulumi.<stack>.yaml`, holding these values. */
  function project(stack: string, config: Record<string, unknown>): string {
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const values = { "mesh-lab:kubeContext": "k3d-test", "mesh-lab:clusterName": "test", "mesh-lab:network": "network1", ...config };
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), JSON.stringify({ config: values }));
    return dir;
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-check-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("passes the real stacks with exit code 0", () => {
    const result = check();
    assert.strictEqual(result.status, 0, result.stderr);
    assert.deepStrictEqual(result.stdout.trim().split("\n"), STACKS.map((s) => `stack "${s}": ok, 2 tag expression(s) checked`));
  });

  it("fails a broken stack with exit code 1 and the same message a preview gives", () => {
    const telemetry = requestCount(upsert(WORKSHOP));
    const result = check("--dir", project("workshop", { "mesh-lab:telemetry": telemetry }));
    assert.strictEqual(result.status, 1, result.stdout);
    let preview = "";
    assert.throws(
      () => parseSettings("workshop", withConfig("cluster-1", { kubeContext: "k3d-test", clusterName: "test", telemetry })),
      (e: Error) => (preview = e.message) !== "",
    );
    assert.strictEqual(result.stderr.trim(), preview);
    assert.ok(result.stderr.includes(SLOW_REQUEST_PROBLEM) && result.stderr.includes(SOURCE_NAMESPACE_PROBLEM));
  });

  it("prints warnings but passes with exit code 0", () => {
    const apps = [{ ...accounts, waypoint: false }, finance];
    const result = check("--dir", project("nowaypoint", { "mesh-lab:apps": apps }), "--stack", "nowaypoint");
    assert.strictEqual(result.status, 0, result.stderr);
    const [okLine, warning] = result.stdout.trim().split("\n");
    assert.strictEqual(okLine, 'stack "nowaypoint": ok, 2 tag expression(s) checked');
    assert.match(warning, /^warning: stack "nowaypoint": key "mesh-lab:telemetry.overrides\[0\]" \(REQUEST_COUNT: error_type, slow_request\) changes nothing in namespace "accounts"/);
  });

  it("exits 2 on a stack that does not exist or an unknown argument", () => {
    const unknownStack = check("--stack", "cluster-9");
    assert.strictEqual(unknownStack.status, 2);
    assert.strictEqual(unknownStack.stderr.split("\n")[0], `no stack "cluster-9" in ${ROOT}; stacks: ${STACKS.join(", ")}`);
    assert.strictEqual(check("--stacks", "cluster-1").status, 2);
  });

});
