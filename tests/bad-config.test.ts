import { APP_FIELDS } from "../config/parse-apps";
import { SETTING_KEYS } from "../config/parse-settings";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CaptureError, runProgram } from "./support/run-program";
import { parseSettings } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { readStackInputs } from "../config/pulumi-config";
import { CLIENT, fixtureProject, fixtureRaw, FIXTURE_APPS, WEB } from "./support/fixtures";
import { renderCli } from "./support/render-project";
import { clusterOf, program, stackRaw, stackSettings } from "./support/stacks";
import { requestCount, SLOW_REQUEST_PROBLEM, SOURCE_NAMESPACE_PROBLEM, upsert, WORKSHOP } from "./support/workshop";

// The one table of bad stack config. Each row: what is wrong, the change to a fixture stack (web + client, see
// support/fixtures.ts), the exact problems, and whether it is one of the sample also run through the program's
// entry point and the render CLI (every row through those would be slow, and they share one parse).
interface Row {
  readonly what: string;
  readonly changes: Record<string, unknown>;
  readonly problems: readonly string[];
  readonly sample?: true;
}

const W = WEB;
const C = CLIENT;
const apps = (...a: unknown[]) => ({ apps: a });
const tel = (o: unknown) => ({ telemetry: { overrides: [o] } });
const LABEL = "a DNS-1123 label (lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric)";
const IMAGE = "an image reference with a tag or a digest (repo:tag or repo@sha256:<64 hex>)";
const METRICS =
  "ALL_METRICS, REQUEST_COUNT, REQUEST_DURATION, REQUEST_SIZE, RESPONSE_SIZE, TCP_OPENED_CONNECTIONS, TCP_CLOSED_CONNECTIONS, TCP_SENT_BYTES, TCP_RECEIVED_BYTES, GRPC_REQUEST_MESSAGES, GRPC_RESPONSE_MESSAGES";
const LONG = "a".repeat(64);
const key = (k: string) => `key "mesh-lab:${k}"`;

const rows: Row[] = [
  // stack keys
  {
    what: "a boolean given as a word",
    changes: { waypoints: "yes" },
    problems: [`${key("waypoints")} is "yes"; expected true or false`],
    sample: true,
  },
  {
    what: "a missing kube context",
    changes: { kubeContext: undefined },
    problems: [`${key("kubeContext")} is missing; expected a kubeconfig context name (non-empty string)`],
    sample: true,
  },
  {
    what: "an empty kube context",
    changes: { kubeContext: "" },
    problems: [`${key("kubeContext")} is ""; expected a kubeconfig context name (non-empty string)`],
  },
  {
    what: "a missing cluster name",
    changes: { clusterName: undefined },
    problems: [`${key("clusterName")} is missing; expected the Istio cluster name, a DNS-1123 label`],
  },
  {
    what: "a cluster name that is not a DNS label",
    changes: { clusterName: "Cluster_1" },
    problems: [`${key("clusterName")} is "Cluster_1"; expected ${LABEL}`],
  },
  {
    what: "a cluster name of 64 characters",
    changes: { clusterName: LONG },
    problems: [`${key("clusterName")} is "${LONG}"; expected ${LABEL}`],
  },
  {
    what: "a network that is not a label value",
    changes: { network: "net work" },
    problems: [
      `${key("network")} is "net work"; expected a Kubernetes label value (alphanumeric, '-', '_', '.', at most 63 characters)`,
    ],
  },
  {
    what: "a network of 64 characters",
    changes: { network: LONG },
    problems: [
      `${key("network")} is "${LONG}"; expected a Kubernetes label value (alphanumeric, '-', '_', '.', at most 63 characters)`,
    ],
  },
  {
    what: "a misspelt top-level key",
    changes: { kubeContxt: "k3d-test" },
    problems: [`${key("kubeContxt")} is not a mesh-lab setting; did you mean "mesh-lab:kubeContext"?`],
    sample: true,
  },
  {
    what: "a singular for a plural key",
    changes: { waypoint: "false" },
    problems: [`${key("waypoint")} is not a mesh-lab setting; did you mean "mesh-lab:waypoints"?`],
  },
  {
    what: "an unknown key like no known one",
    changes: { zzzzzzzz: "1" },
    problems: [`${key("zzzzzzzz")} is not a mesh-lab setting; known keys: ${SETTING_KEYS.join(", ")}`],
  },
  {
    what: "an unknown pod security level",
    changes: { podSecurity: "strict" },
    problems: [`${key("podSecurity")} is "strict"; expected one of baseline, restricted`],
  },
  {
    what: "a trust domain that is not a domain",
    changes: { trustDomain: "Cluster.Local!" },
    problems: [`${key("trustDomain")} is "Cluster.Local!"; expected a DNS domain such as cluster.local`],
  },
  {
    what: "policy checks given as a word",
    changes: { verifyPolicies: "maybe" },
    problems: [`${key("verifyPolicies")} is "maybe"; expected true or false`],
  },
  {
    what: "a check image without a tag",
    changes: { verifyImage: "curlimages/curl" },
    problems: [`${key("verifyImage")} is "curlimages/curl"; expected ${IMAGE}`],
    sample: true,
  },
  {
    what: "a Git URL carrying a token",
    changes: { gitopsRepoUrl: "https://x:tok@github.com/o/r.git" },
    // The token itself is never printed (docs/threat-model.md): the message shows the URL redacted.
    problems: [
      `${key("gitopsRepoUrl")} is "https://***@github.com/o/r.git"; expected an https or ssh Git URL without credentials, query or fragment (https://github.com/org/repo.git, ssh://git@github.com/org/repo.git or git@github.com:org/repo.git)`,
    ],
  },
  {
    what: "structured config that is not YAML/JSON",
    changes: { apps: "[{" },
    problems: [`${key("apps")} is "[{"; expected a list (a YAML list in the stack file)`],
    sample: true,
  },
  {
    what: "a word where a list goes: a list of one is likely meant",
    changes: { gitopsEngines: "flux" },
    problems: [`${key("gitopsEngines")} is "flux"; expected a list (a YAML list in the stack file, such as [flux])`],
  },
  {
    what: "a word where an object goes",
    changes: { telemetry: "prometheus" },
    problems: [`${key("telemetry")} is "prometheus"; expected an object (a YAML mapping in the stack file)`],
  },
  {
    what: "two bad keys at once, in schema order",
    changes: { podSecurity: "strict", waypoints: "yes" },
    problems: [
      `${key("waypoints")} is "yes"; expected true or false`,
      `${key("podSecurity")} is "strict"; expected one of baseline, restricted`,
    ],
  },
  // apps
  {
    what: "apps as an object",
    changes: { apps: { web: W } },
    problems: [
      `${key("apps")} is {"web":{"name":"web","image":"nginx:1.27","args":["-p","8080"],"port":8080,"w...; expected a non-empty list of apps`,
    ],
  },
  { what: "no apps at all", changes: apps(), problems: [`${key("apps")} is []; expected a non-empty list of apps`] },
  {
    what: "an app that is not an object",
    changes: apps("web", C),
    problems: [`${key("apps[0]")} is "web"; expected an object with keys ${Object.keys(APP_FIELDS).join(", ")}`],
  },
  {
    what: "an app without a name",
    changes: apps({ ...W, name: undefined }, C),
    problems: [`${key("apps[0].name")} is missing; expected a DNS-1123 label naming the app`],
  },
  {
    what: "an app name with capitals",
    changes: apps({ ...W, name: "Web" }, C),
    problems: [`${key("apps[0].name")} is "Web"; expected ${LABEL}`],
  },
  {
    what: "an app name of 64 characters",
    changes: apps({ ...W, name: LONG }, C),
    problems: [`${key("apps[0].name")} is "${LONG}"; expected ${LABEL}`],
  },
  {
    what: "an app name of 63 characters is fine, a namespace of 64 is not",
    changes: apps({ ...W, name: LONG.slice(1), namespace: LONG }, C),
    problems: [`${key("apps[0].namespace")} is "${LONG}"; expected ${LABEL}`],
  },
  {
    what: "an app name too long for its policy-check Job",
    changes: apps({ ...W, name: "a".repeat(45) }, C),
    problems: [
      `${key("apps[0].name")} is "${"a".repeat(45)}"; expected a name of at most 40 characters: its policy-check Job verify-${"a".repeat(45)}-denied-<8 hex> must fit 63`,
    ],
  },
  {
    what: "an app calling itself",
    changes: apps(W, { ...C, calls: ["client"] }),
    problems: [`${key("apps[1].calls[0]")} is "client"; expected another app (not the app itself)`],
  },
  {
    what: "a serving app calling itself",
    changes: apps({ ...W, calls: ["web"] }, C),
    problems: [`${key("apps[0].calls[0]")} is "web"; expected another app (not the app itself)`],
  },
  {
    what: "an image without a tag",
    changes: apps({ ...W, image: "nginx" }, C),
    problems: [`${key("apps[0].image")} is "nginx"; expected ${IMAGE}`],
  },
  {
    what: "an app without an image",
    changes: apps({ ...W, image: undefined }, C),
    problems: [`${key("apps[0].image")} is missing; expected an image reference with a tag or a digest`],
  },
  {
    what: "a port out of range",
    changes: apps({ ...W, port: 70000 }, C),
    problems: [`${key("apps[0].port")} is 70000; expected an integer 1-65535`],
  },
  {
    what: "a port given as a name",
    changes: apps({ ...W, port: "http" }, C),
    problems: [`${key("apps[0].port")} is "http"; expected an integer 1-65535`],
    sample: true,
  },
  {
    what: "negative replicas",
    changes: apps({ ...W, replicas: -1 }, C),
    problems: [`${key("apps[0].replicas")} is -1; expected an integer 0-100`],
  },
  {
    what: "an empty allow list",
    changes: apps({ ...W, allowFrom: [] }, C),
    problems: [`${key("apps[0].allowFrom")} is []; expected a non-empty list of allowFrom entries`],
  },
  {
    what: "a caller that is not a DNS label",
    changes: apps({ ...W, allowFrom: ["Payments"] }, C),
    problems: [
      `${key("apps[0].allowFrom[0]")} is "Payments"; expected a namespace ("finance"), a service account in it ("finance/payments"), or {from: one of those, methods: [...], paths: [...]}, each name a DNS-1123 label`,
    ],
  },
  {
    what: "the policy check's probe namespace as a caller",
    changes: apps({ ...W, allowFrom: ["mesh-lab-probe"] }, C),
    problems: [
      `${key("apps[0].allowFrom[0]")} is "mesh-lab-probe"; expected a namespace other than mesh-lab-probe, which the policy check calls from to prove that everyone else is denied`,
    ],
  },
  {
    what: "HTTP rules on an app without a waypoint",
    changes: apps({ ...W, waypoint: false, allowFrom: [{ from: "client", methods: ["GET"] }] }, C),
    problems: [
      `${key("apps[0].allowFrom[0]")} is {"from":"client","methods":["GET"]}; expected no methods or paths, since no waypoint serves app "web" (mesh-lab:apps[0].waypoint is false): ztunnel enforces its policies, and ztunnel drops an ALLOW rule with HTTP fields, so the rule would deny the caller it means to allow; set waypoint: true on the app, or allow the caller without methods and paths`,
    ],
  },
  {
    what: "HTTP rules in a stack without waypoints",
    changes: { ...apps({ ...W, allowFrom: [{ from: "client", paths: ["/api/*"] }] }, C), waypoints: false },
    problems: [
      `${key("apps[0].allowFrom[0]")} is {"from":"client","paths":["/api/*"]}; expected no methods or paths, since no waypoint serves app "web" (the stack sets waypoints: false): ztunnel enforces its policies, and ztunnel drops an ALLOW rule with HTTP fields, so the rule would deny the caller it means to allow; set waypoint: true on the app, or allow the caller without methods and paths`,
    ],
  },
  {
    what: "an unknown HTTP method and a relative path",
    changes: apps({ ...W, allowFrom: [{ from: "client", methods: ["FETCH"], paths: ["api"] }] }, C),
    problems: [
      `${key("apps[0].allowFrom[0].methods[0]")} is "FETCH"; expected HTTP methods (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, CONNECT, TRACE)`,
      `${key("apps[0].allowFrom[0].paths[0]")} is "api"; expected paths such as /api, /api/* or *.json`,
    ],
  },
  {
    what: "the object form without methods or paths",
    changes: apps({ ...W, allowFrom: [{ from: "client" }] }, C),
    problems: [
      `${key("apps[0].allowFrom[0]")} is {"from":"client"}; expected a namespace ("finance"), a service account in it ("finance/payments"), or {from: one of those, methods: [...], paths: [...]}: the object form needs methods or paths; without them write the string`,
    ],
  },
  {
    what: "an allow list given as a string",
    changes: apps({ ...W, allowFrom: "client" }, C),
    problems: [`${key("apps[0].allowFrom")} is "client"; expected a non-empty list of allowFrom entries`],
  },
  {
    what: "an app allowing itself",
    changes: apps({ ...W, allowFrom: ["web"] }, C),
    problems: [
      `${key("apps[0].allowFrom[0]")} is "web"; expected another namespace, or a service account of this one (an app need not allow its whole namespace)`,
    ],
  },
  {
    what: "two apps with one name",
    changes: apps(W, { ...C, name: "web" }),
    problems: [`${key("apps[1].name")} is "web"; expected a name not used by another app (mesh-lab:apps[0] has it)`],
    sample: true,
  },
  {
    what: "two apps in one namespace",
    changes: apps(W, { ...C, namespace: "web" }),
    problems: [
      `${key("apps[1].namespace")} is "web"; expected a namespace not owned by another app (mesh-lab:apps[0] owns it)`,
    ],
  },
  {
    what: "a call to an app that does not exist",
    changes: apps(W, { ...C, calls: ["ledger"] }),
    problems: [`${key("apps[1].calls[0]")} is "ledger"; expected the name of an app in mesh-lab:apps (web, client)`],
  },
  {
    what: "a call to an app with no port",
    changes: apps(W, C, { name: "audit", image: "curlimages/curl:8.11.1", calls: ["client"] }),
    problems: [`${key("apps[2].calls[0]")} is "client"; expected an app that has a port to call`],
  },
  {
    what: "a misspelt app field",
    changes: apps({ ...W, imag: "x:1" }, C),
    problems: [`${key("apps[0].imag")} is not a mesh-lab setting; did you mean "mesh-lab:apps[0].image"?`],
  },
  {
    what: "a waypoint flag given as a string",
    changes: apps({ ...W, waypoint: "true" }, C),
    problems: [`${key("apps[0].waypoint")} is "true"; expected true or false`],
  },
  {
    what: "a global flag given as a string",
    changes: apps({ ...W, global: "yes" }, C),
    problems: [`${key("apps[0].global")} is "yes"; expected true or false`],
  },
  {
    what: "a zero call interval",
    changes: apps(W, { ...C, callIntervalSeconds: 0 }),
    problems: [`${key("apps[1].callIntervalSeconds")} is 0; expected an integer 1-3600`],
  },
  {
    what: "args given as a string",
    changes: apps({ ...W, args: "-p 8080" }, C),
    problems: [`${key("apps[0].args")} is "-p 8080"; expected a list of strings`],
  },
  {
    what: "an arg that is not a string",
    changes: apps({ ...W, args: ["-p", 8080] }, C),
    problems: [`${key("apps[0].args[1]")} is 8080; expected a string`],
  },
  {
    what: "args on a demo caller",
    changes: apps(W, { ...C, args: ["-v"] }),
    problems: [
      `${key("apps[1].args")} is ["-v"]; expected no args on a demo caller (an app with "calls" and no port): its command is the generated call loop`,
    ],
  },
  // telemetry
  {
    what: "an unknown telemetry key",
    changes: { telemetry: { overide: [] } },
    problems: [`${key("telemetry.overide")} is not a mesh-lab setting; did you mean "mesh-lab:telemetry.overrides"?`],
  },
  {
    what: "an empty metrics provider",
    changes: { telemetry: { metricsProvider: "" } },
    problems: [`${key("telemetry.metricsProvider")} is ""; expected a non-empty string`],
  },
  {
    what: "access logging given as a word",
    changes: { telemetry: { accessLogging: "on" } },
    problems: [`${key("telemetry.accessLogging")} is "on"; expected true or false`],
  },
  {
    what: "overrides that are not a list",
    changes: { telemetry: { overrides: "REQUEST_COUNT" } },
    problems: [`${key("telemetry.overrides")} is "REQUEST_COUNT"; expected a list of metric overrides`],
  },
  {
    what: "an override that is not an object",
    changes: tel("REQUEST_COUNT"),
    problems: [`${key("telemetry.overrides[0]")} is "REQUEST_COUNT"; expected an object with keys match, tagOverrides`],
  },
  {
    what: "a match that is not an object",
    changes: tel({ match: "REQUEST_COUNT", tagOverrides: upsert({ t: "'x'" }) }),
    problems: [`${key("telemetry.overrides[0].match")} is "REQUEST_COUNT"; expected an object with keys metric, mode`],
  },
  {
    what: "a tag given as a bare expression",
    changes: tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: "'x'" } }),
    problems: [
      `${key("telemetry.overrides[0].tagOverrides.t")} is "'x'"; expected an object with keys operation, value`,
    ],
  },
  {
    what: "an override without tags",
    changes: tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: {} }),
    problems: [
      `${key("telemetry.overrides[0].tagOverrides")} is {}; expected a non-empty map of tag name to {operation, value}`,
    ],
  },
  {
    what: "an unknown metric",
    changes: tel({ match: { metric: "REQUEST_COUNTS" }, tagOverrides: upsert({ t: "'x'" }) }),
    problems: [`${key("telemetry.overrides[0].match.metric")} is "REQUEST_COUNTS"; expected one of ${METRICS}`],
  },
  {
    what: "an unknown mode",
    changes: tel({ match: { metric: "REQUEST_COUNT", mode: "BOTH" }, tagOverrides: upsert({ t: "'x'" }) }),
    problems: [
      `${key("telemetry.overrides[0].match.mode")} is "BOTH"; expected one of CLIENT_AND_SERVER, CLIENT, SERVER`,
    ],
  },
  {
    what: "an unknown operation",
    changes: tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { operation: "INSERT", value: "'x'" } } }),
    problems: [`${key("telemetry.overrides[0].tagOverrides.t.operation")} is "INSERT"; expected one of UPSERT, REMOVE`],
  },
  {
    what: "REMOVE with a value",
    changes: tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { operation: "REMOVE", value: "'x'" } } }),
    problems: [
      `${key("telemetry.overrides[0].tagOverrides.t.value")} is "'x'"; expected no value: REMOVE drops the tag`,
    ],
  },
  {
    what: "UPSERT without a value",
    changes: tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { operation: "UPSERT" } } }),
    problems: [
      `${key("telemetry.overrides[0].tagOverrides.t.value")} is missing; expected a CEL expression: UPSERT needs a value`,
    ],
  },
  {
    what: "the default operation (UPSERT) without a value",
    changes: tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: {} } }),
    problems: [
      `${key("telemetry.overrides[0].tagOverrides.t.value")} is missing; expected a CEL expression: UPSERT needs a value`,
    ],
  },
  {
    what: "a tag value that is not a string",
    changes: tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { value: 500 } } }),
    problems: [
      `${key("telemetry.overrides[0].tagOverrides.t.value")} is 500; expected a CEL expression (non-empty string)`,
    ],
  },
  {
    what: "a tag name Prometheus cannot take",
    changes: tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { "error-type": { value: "'x'" } } }),
    problems: [
      `${key("telemetry.overrides[0].tagOverrides.error-type")} is "error-type"; expected a tag name usable as a Prometheus label ([a-zA-Z_][a-zA-Z0-9_]*)`,
    ],
  },
  {
    what: "the workshop's two broken tags (the valid one passes)",
    changes: { telemetry: requestCount(upsert(WORKSHOP)) },
    problems: [SLOW_REQUEST_PROBLEM, SOURCE_NAMESPACE_PROBLEM],
    sample: true,
  },
  {
    what: "a wrong metric, and a CEL problem labelled with the metric as given",
    changes: { telemetry: requestCount(upsert({ t: "request.size > '1'" }), "REQUEST_COUNTS") },
    problems: [
      `${key("telemetry.overrides[0].match.metric")} is "REQUEST_COUNTS"; expected one of ${METRICS}`,
      [
        `${key("telemetry.overrides[0].tagOverrides.t.value")} (metric "REQUEST_COUNTS", tag t): type mismatch at column 1: ">" is not defined for int and string`,
        "      request.size > '1'",
        "      ^~~~~~~~~~~~~~~~~~",
        "    fix: convert one side: string(request.size) or int('1')",
      ].join("\n"),
    ],
  },
  // adoption, revisions, probes (issue 8)
  {
    what: "adoption given as a word",
    changes: { adoptExisting: "yes" },
    problems: [`${key("adoptExisting")} is "yes"; expected true or false`],
  },
  {
    what: "an Istio revision with a dot",
    changes: { istioRevision: "1.28" },
    problems: [`${key("istioRevision")} is "1.28"; expected ${LABEL}`],
  },
  {
    what: "an istiod namespace that is not a DNS label",
    changes: { istiodNamespace: "Istio_System" },
    problems: [`${key("istiodNamespace")} is "Istio_System"; expected ${LABEL}`],
  },
  {
    what: "a health path that is not absolute",
    changes: apps({ ...W, healthPath: "health" }, C),
    problems: [`${key("apps[0].healthPath")} is "health"; expected an absolute HTTP path such as /health`],
  },
];

/** The problems parseSettings reports for the fixture stack with these changes. */
function problems(changes: Record<string, unknown>): readonly string[] {
  try {
    parseSettings("test", fixtureRaw(FIXTURE_APPS, changes));
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return assert.fail("expected a ConfigError");
}

describe(`bad stack config: one table (${rows.length} rows)`, () => {
  it("has distinct rows, and the fixture itself is valid", () => {
    assert.strictEqual(
      new Set(rows.map((r) => JSON.stringify(r.changes, (_, v: unknown) => (v === undefined ? "<unset>" : v)))).size,
      rows.length,
      "two rows make the same change",
    );
    assert.deepStrictEqual(
      parseSettings("test", fixtureRaw()).apps.map((a) => a.name),
      ["web", "client"],
    );
  });

  describe("parseSettings reports exactly these problems", () => {
    for (const row of rows) it(row.what, () => assert.deepStrictEqual(problems(row.changes), row.problems));
  });

  it("names the stack and lists every problem in the error message", () => {
    assert.throws(
      () => parseSettings("cluster-2", fixtureRaw(FIXTURE_APPS, { waypoints: "yes", podSecurity: "strict" })),
      {
        name: "ConfigError",
        message:
          'stack "cluster-2" has 2 config problem(s):\n  - key "mesh-lab:waypoints" is "yes"; expected true or false\n  - key "mesh-lab:podSecurity" is "strict"; expected one of baseline, restricted',
      },
    );
  });

  it("the same entry point runs to completion on a real stack's config (the control for the sample below)", async () => {
    pulumi.runtime.setAllConfig({ ...stackRaw("cluster-1") });
    try {
      const capture = await runProgram(() => program(readStackInputs())(), clusterOf(stackSettings("cluster-1")));
      assert.strictEqual(capture.outputs.kubeContext, "k3d-cluster-1");
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  describe("a sample, on the path `pulumi up` takes: the same problems, nothing registered", () => {
    for (const row of rows.filter((r) => r.sample)) {
      it(row.what, async () => {
        pulumi.runtime.setAllConfig(fixtureRaw(FIXTURE_APPS, row.changes));
        try {
          const failed = await runProgram(() => program(readStackInputs())()).catch((e: unknown) => e);
          assert.ok(failed instanceof CaptureError, `expected a failure, got ${String(failed)}`);
          assert.ok(failed.cause instanceof ConfigError, String(failed.cause));
          assert.deepStrictEqual(failed.cause.problems, row.problems);
          assert.deepStrictEqual(failed.resources, []);
        } finally {
          pulumi.runtime.setAllConfig({});
        }
      });
    }
  });

  describe("the same sample through the render CLI: exit 2, the problems on stderr, nothing written", () => {
    for (const row of rows.filter((r) => r.sample)) {
      it(row.what, async () => {
        const dir = fixtureProject({ "cluster-1": row.changes, "cluster-2": {} });
        try {
          const out = path.join(dir, "out");
          const result = await renderCli(dir, "--out", out);
          assert.strictEqual(result.code, 2, result.stderr);
          for (const p of row.problems) assert.ok(result.stderr.includes(p), `${p}\nnot in:\n${result.stderr}`);
          assert.strictEqual(fs.existsSync(out), false);
          assert.strictEqual(fs.existsSync(path.join(dir, "gitops")), false);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
});
