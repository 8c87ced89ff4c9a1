import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CaptureError, runProgram } from "./support/run-program";
import { ConfigError } from "../config/problems";
import { parseSettings } from "../config/parse-settings";
import { readStackInputs } from "../config/pulumi-config";
import { clusterOf, defaultApps, program, stackRaw, stackSettings, withConfig } from "./support/stacks";

const [accounts, finance] = defaultApps();

/** The problems parseSettings reports for cluster-1 with these changes. */
function problems(changes: Record<string, unknown>): readonly string[] {
  try {
    parseSettings("cluster-1", withConfig("cluster-1", changes));
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  assert.fail("expected a ConfigError");
}

describe("config errors (one clear error naming the key, the value and what is allowed)", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["a wrong type", { waypoints: "yes" }, 'key "mesh-lab:waypoints" is "yes"; expected true or false'],
    ["a missing key", { kubeContext: undefined }, 'key "mesh-lab:kubeContext" is missing; expected a kubeconfig context name (non-empty string)'],
    [
      "a name that is not DNS-1123",
      { apps: [{ ...accounts, name: "Accounts_1" }, finance] },
      "key \"mesh-lab:apps[0].name\" is \"Accounts_1\"; expected a DNS-1123 label (lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric)",
    ],
    [
      "an unknown metric",
      { telemetry: { overrides: [{ match: { metric: "REQUEST_COUNTS" }, tagOverrides: { a: { value: "'x'" } } }] } },
      'key "mesh-lab:telemetry.overrides[0].match.metric" is "REQUEST_COUNTS"; expected one of ALL_METRICS, REQUEST_COUNT, REQUEST_DURATION, REQUEST_SIZE, RESPONSE_SIZE, TCP_OPENED_CONNECTIONS, TCP_CLOSED_CONNECTIONS, TCP_SENT_BYTES, TCP_RECEIVED_BYTES, GRPC_REQUEST_MESSAGES, GRPC_RESPONSE_MESSAGES',
    ],
    [
      "an unknown operation",
      { telemetry: { overrides: [{ match: { metric: "REQUEST_COUNT" }, tagOverrides: { a: { operation: "INSERT", value: "'x'" } } }] } },
      'key "mesh-lab:telemetry.overrides[0].tagOverrides.a.operation" is "INSERT"; expected one of UPSERT, REMOVE',
    ],
    [
      "a policy naming a namespace no app declares",
      { apps: [{ ...accounts, allowFrom: ["payments"] }, finance] },
      'key "mesh-lab:apps[0].allowFrom[0]" is "payments"; expected the namespace of an app in mesh-lab:apps (accounts, finance)',
    ],
    [
      "a duplicate namespace",
      { apps: [accounts, { ...finance, namespace: "accounts" }] },
      'key "mesh-lab:apps[1].namespace" is "accounts"; expected a namespace not owned by another app (mesh-lab:apps[0] owns it)',
    ],
  ];
  for (const [what, changes, expected] of cases) {
    it(`refuses ${what}`, () => assert.deepStrictEqual(problems(changes), [expected]));
  }

  it("names the stack and lists every problem in the error message", () => {
    assert.throws(
      () => parseSettings("cluster-2", withConfig("cluster-2", { waypoints: "yes", podSecurity: "strict" })),
      {
        name: "ConfigError",
        message:
          'stack "cluster-2" has 2 config problem(s):\n' +
          '  - key "mesh-lab:waypoints" is "yes"; expected true or false\n' +
          '  - key "mesh-lab:podSecurity" is "strict"; expected one of baseline, restricted',
      },
    );
  });

  it("refuses before anything is registered, on the path `pulumi up` takes", async () => {
    // given the stack's config as the CLI hands it over, with one bad value
    pulumi.runtime.setAllConfig({ ...withConfig("cluster-1", { apps: [accounts, { ...finance, name: "accounts" }] }) });
    try {
      // when the program's entry point runs
      const failed = await runProgram(() => program(readStackInputs())()).catch((e: unknown) => e);
      // then it fails with the config problem and nothing was registered
      assert.ok(failed instanceof CaptureError, String(failed));
      assert.ok(failed.cause instanceof ConfigError);
      assert.deepStrictEqual(failed.cause.problems, ['key "mesh-lab:apps[1].name" is "accounts"; expected a name not used by another app (mesh-lab:apps[0] has it)']);
      assert.deepStrictEqual(failed.resources, []);
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  it("runs the same entry point to completion on the real stack config", async () => {
    pulumi.runtime.setAllConfig({ ...stackRaw("cluster-1") });
    try {
      const capture = await runProgram(() => program(readStackInputs())(), clusterOf(stackSettings("cluster-1")));
      assert.strictEqual(capture.outputs.kubeContext, "k3d-cluster-1");
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });
});
