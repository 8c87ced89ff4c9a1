import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CaptureError, runProgram } from "./support/run-program";
import { ConfigError } from "../config/problems";
import { readStackInputs } from "../config/pulumi-config";
import { renderCli, tempProject } from "./support/render-project";
import { defaultApps, program, withConfig } from "./support/stacks";

const [a, f] = defaultApps();
const tel = (o: unknown) => ({ telemetry: { overrides: [o] } });

// Each row: what is wrong, the change to cluster-1's config, and the one problem it must produce.
const rows: [string, Record<string, unknown>, string][] = [
  ["a boolean given as a word", { waypoints: "yes" }, "key \"mesh-lab:waypoints\" is \"yes\"; expected true or false"],
  ["a missing kube context", { kubeContext: undefined }, "key \"mesh-lab:kubeContext\" is missing; expected a kubeconfig context name (non-empty string)"],
  ["an empty kube context", { kubeContext: "" }, "key \"mesh-lab:kubeContext\" is \"\"; expected a kubeconfig context name (non-empty string)"],
  ["a missing cluster name", { clusterName: undefined }, "key \"mesh-lab:clusterName\" is missing; expected the Istio cluster name, a DNS-1123 label"],
  ["a cluster name that is not a DNS label", { clusterName: "Cluster_1" }, "key \"mesh-lab:clusterName\" is \"Cluster_1\"; expected a DNS-1123 label (lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric)"],
  ["a network that is not a label value", { network: "net work" }, "key \"mesh-lab:network\" is \"net work\"; expected a Kubernetes label value (alphanumeric, '-', '_', '.', at most 63 characters)"],
  ["a misspelt top-level key", { kubeContxt: "k3d-cluster-1" }, "key \"mesh-lab:kubeContxt\" is not a mesh-lab setting; did you mean \"mesh-lab:kubeContext\"?"],
  ["a singular for a plural key", { waypoint: "false" }, "key \"mesh-lab:waypoint\" is not a mesh-lab setting; did you mean \"mesh-lab:waypoints\"?"],
  ["an unknown pod security level", { podSecurity: "strict" }, "key \"mesh-lab:podSecurity\" is \"strict\"; expected one of baseline, restricted"],
  ["a trust domain that is not a domain", { trustDomain: "Cluster.Local!" }, "key \"mesh-lab:trustDomain\" is \"Cluster.Local!\"; expected a DNS domain such as cluster.local"],
  ["apps as an object", { apps: { accounts: a } }, "key \"mesh-lab:apps\" is {\"accounts\":{\"name\":\"accounts\",\"image\":\"hashicorp/http-echo:1.0\",\"args\":[\"-te...; expected a non-empty list of apps"],
  ["no apps at all", { apps: [] }, "key \"mesh-lab:apps\" is []; expected a non-empty list of apps"],
  ["an app without a name", { apps: [{ ...a, name: undefined }, f] }, "key \"mesh-lab:apps[0].name\" is missing; expected a DNS-1123 label naming the app"],
  ["an app name with capitals", { apps: [{ ...a, name: "Accounts" }, f] }, "key \"mesh-lab:apps[0].name\" is \"Accounts\"; expected a DNS-1123 label (lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric)"],
  ["an image without a tag", { apps: [{ ...a, image: "hashicorp/http-echo" }, f] }, "key \"mesh-lab:apps[0].image\" is \"hashicorp/http-echo\"; expected an image reference with a tag or a digest (repo:tag or repo@sha256:<64 hex>)"],
  ["an app without an image", { apps: [{ ...a, image: undefined }, f] }, "key \"mesh-lab:apps[0].image\" is missing; expected an image reference with a tag or a digest"],
  ["a port out of range", { apps: [{ ...a, port: 70000 }, f] }, "key \"mesh-lab:apps[0].port\" is 70000; expected an integer 1-65535"],
  ["a port given as a name", { apps: [{ ...a, port: "http" }, f] }, "key \"mesh-lab:apps[0].port\" is \"http\"; expected an integer 1-65535"],
  ["negative replicas", { apps: [{ ...a, replicas: -1 }, f] }, "key \"mesh-lab:apps[0].replicas\" is -1; expected an integer 0-100"],
  ["an empty allow list", { apps: [{ ...a, allowFrom: [] }, f] }, "key \"mesh-lab:apps[0].allowFrom\" is []; expected a non-empty list of namespaces"],
  ["a caller that does not exist", { apps: [{ ...a, allowFrom: ["payments"] }, f] }, "key \"mesh-lab:apps[0].allowFrom[0]\" is \"payments\"; expected the namespace of an app in mesh-lab:apps (accounts, finance)"],
  ["an allow list given as a string", { apps: [{ ...a, allowFrom: "finance" }, f] }, "key \"mesh-lab:apps[0].allowFrom\" is \"finance\"; expected a non-empty list of namespaces"],
  ["an app allowing itself", { apps: [{ ...a, allowFrom: ["accounts"] }, f] }, "key \"mesh-lab:apps[0].allowFrom[0]\" is \"accounts\"; expected another app's namespace (an app need not allow itself)"],
  ["two apps with one name", { apps: [a, { ...f, name: "accounts" }] }, "key \"mesh-lab:apps[1].name\" is \"accounts\"; expected a name not used by another app (mesh-lab:apps[0] has it)"],
  ["two apps in one namespace", { apps: [a, { ...f, namespace: "accounts" }] }, "key \"mesh-lab:apps[1].namespace\" is \"accounts\"; expected a namespace not owned by another app (mesh-lab:apps[0] owns it)"],
  ["a call to an app that does not exist", { apps: [a, { ...f, calls: ["ledger"] }] }, "key \"mesh-lab:apps[1].calls[0]\" is \"ledger\"; expected the name of an app in mesh-lab:apps (accounts, finance)"],
  ["a call to an app with no port", { apps: [{ ...a, calls: undefined }, { ...f, calls: ["accounts"] }, { name: "audit", image: "curlimages/curl:8.11.1", calls: ["finance"] }] }, "key \"mesh-lab:apps[2].calls[0]\" is \"finance\"; expected an app that has a port to call"],
  ["a misspelt app field", { apps: [{ ...a, imag: "x:1" }, f] }, "key \"mesh-lab:apps[0].imag\" is not a mesh-lab setting; did you mean \"mesh-lab:apps[0].image\"?"],
  ["a waypoint flag given as a string", { apps: [{ ...a, waypoint: "true" }, f] }, "key \"mesh-lab:apps[0].waypoint\" is \"true\"; expected true or false"],
  ["a zero call interval", { apps: [a, { ...f, callIntervalSeconds: 0 }] }, "key \"mesh-lab:apps[1].callIntervalSeconds\" is 0; expected an integer 1-3600"],
  ["args given as a string", { apps: [{ ...a, args: "-text=accounts" }, f] }, "key \"mesh-lab:apps[0].args\" is \"-text=accounts\"; expected a list of strings"],
  ["a port on a traffic client", { apps: [a, { ...f, port: 8080 }] }, "key \"mesh-lab:apps[1].port\" is 8080; expected no port on an app with \"calls\": a traffic client serves nothing"],
  ["an unknown metric", tel({ match: { metric: "REQUEST_COUNTS" }, tagOverrides: { t: { value: "'x'" } } }), "key \"mesh-lab:telemetry.overrides[0].match.metric\" is \"REQUEST_COUNTS\"; expected one of ALL_METRICS, REQUEST_COUNT, REQUEST_DURATION, REQUEST_SIZE, RESPONSE_SIZE, TCP_OPENED_CONNECTIONS, TCP_CLOSED_CONNECTIONS, TCP_SENT_BYTES, TCP_RECEIVED_BYTES, GRPC_REQUEST_MESSAGES, GRPC_RESPONSE_MESSAGES"],
  ["an unknown mode", tel({ match: { metric: "REQUEST_COUNT", mode: "BOTH" }, tagOverrides: { t: { value: "'x'" } } }), "key \"mesh-lab:telemetry.overrides[0].match.mode\" is \"BOTH\"; expected one of CLIENT_AND_SERVER, CLIENT, SERVER"],
  ["an unknown operation", tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { operation: "INSERT", value: "'x'" } } }), "key \"mesh-lab:telemetry.overrides[0].tagOverrides.t.operation\" is \"INSERT\"; expected one of UPSERT, REMOVE"],
  ["REMOVE with a value", tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { operation: "REMOVE", value: "'x'" } } }), "key \"mesh-lab:telemetry.overrides[0].tagOverrides.t.value\" is \"'x'\"; expected no value: REMOVE drops the tag"],
  ["UPSERT without a value", tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { t: { operation: "UPSERT" } } }), "key \"mesh-lab:telemetry.overrides[0].tagOverrides.t.value\" is missing; expected a CEL expression: UPSERT needs a value"],
  ["a tag name Prometheus cannot take", tel({ match: { metric: "REQUEST_COUNT" }, tagOverrides: { "error-type": { value: "'x'" } } }), "key \"mesh-lab:telemetry.overrides[0].tagOverrides.error-type\" is \"error-type\"; expected a tag name usable as a Prometheus label ([a-zA-Z_][a-zA-Z0-9_]*)"],
  ["policy checks given as a word", { verifyPolicies: "maybe" }, "key \"mesh-lab:verifyPolicies\" is \"maybe\"; expected true or false"],
  ["a check image without a tag", { verifyImage: "curlimages/curl" }, "key \"mesh-lab:verifyImage\" is \"curlimages/curl\"; expected an image reference with a tag or a digest (repo:tag or repo@sha256:<64 hex>)"],
  ["adoption given as a word", { adoptExisting: "yes" }, "key \"mesh-lab:adoptExisting\" is \"yes\"; expected true or false"],
  ["an Istio revision with a dot", { istioRevision: "1.28" }, "key \"mesh-lab:istioRevision\" is \"1.28\"; expected a DNS-1123 label (lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric)"],
  ["an istiod namespace that is not a DNS label", { istiodNamespace: "Istio_System" }, "key \"mesh-lab:istiodNamespace\" is \"Istio_System\"; expected a DNS-1123 label (lowercase letters, digits and '-', 1-63 characters, starting and ending alphanumeric)"],
  ["a health path that is not absolute", { apps: [{ ...a, healthPath: "health" }, f] }, "key \"mesh-lab:apps[0].healthPath\" is \"health\"; expected an absolute HTTP path such as /health"],
  ["structured config that is not YAML/JSON", { apps: "[{" }, "key \"mesh-lab:apps\" is \"[{\"; expected structured YAML/JSON (set it as an object or list in the stack file)"],
];

describe(`bad input matrix (${rows.length} malformed stack configs)`, () => {
  it("has at least 30 distinct rows", () => {
    assert.ok(rows.length >= 30);
    assert.strictEqual(new Set(rows.map((r) => r[2])).size, rows.length, "two rows expect the same problem");
  });

  for (const [what, changes, problem] of rows) {
    describe(what, () => {
      it("gives one clear error naming the key, the value and what is allowed, and registers nothing", async () => {
        // given the stack config the CLI would hand over
        pulumi.runtime.setAllConfig({ ...withConfig("cluster-1", changes) });
        try {
          // when the program's entry point runs
          const failed = await runProgram(() => program(readStackInputs())()).catch((e: unknown) => e);
          // then exactly that problem, and no resource at all
          assert.ok(failed instanceof CaptureError, `expected a failure, got ${String(failed)}`);
          assert.ok(failed.cause instanceof ConfigError, String(failed.cause));
          assert.deepStrictEqual(failed.cause.problems, [problem]);
          assert.deepStrictEqual(failed.resources, []);
        } finally {
          pulumi.runtime.setAllConfig({});
        }
      });

      it("makes the renderer exit 2 and write nothing", async () => {
        const dir = tempProject({ "cluster-1": changes });
        try {
          const out = path.join(dir, "out");
          const result = await renderCli(dir, "--out", out);
          assert.strictEqual(result.code, 2, result.stderr);
          assert.ok(result.stderr.includes(problem), result.stderr);
          assert.strictEqual(fs.existsSync(out), false);
          assert.strictEqual(fs.existsSync(path.join(dir, "gitops")), false);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  }
});
