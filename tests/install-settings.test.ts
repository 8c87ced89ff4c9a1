import * as assert from "assert";
import { ConfigError } from "../config/problems";
import { INSTALL_KEY, INSTALL_OFF, parseInstallSettings } from "../config/parse-install";
import { STACKS } from "./support/stacks";
import { installOn, rawWithInstall } from "./support/install";
import { stackRaw } from "./support/stacks";

function problemsOf(install: Record<string, unknown>, stack = "cluster-1"): readonly string[] {
  try {
    parseInstallSettings(stack, rawWithInstall(stack, install));
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("install settings (mesh-lab:install)", () => {
  it("is off in the repo's stack files", () => {
    for (const stack of STACKS) assert.deepStrictEqual(parseInstallSettings(stack, stackRaw(stack)), INSTALL_OFF);
  });

  it("reads a complete setting, with defaults for what is left out", () => {
    const s = parseInstallSettings(
      "cluster-1",
      rawWithInstall("cluster-1", { enabled: true, istioVersion: "1.28.1", rootCa: { stack: "cluster-1" } }),
    );
    assert.deepStrictEqual(s, {
      enabled: true,
      istioVersion: "1.28.1",
      meshId: "mesh1",
      chartRepo: "https://istio-release.storage.googleapis.com/charts",
      rootCaStack: "cluster-1",
      peers: [],

      organization: "organization",
      gatewayApiVersion: "v1.4.0",
      rootCaHours: 87600,
      intermediateCaHours: 8760,
    });
  });

  for (const bad of ["1.28", "1.28.x", "v1.28.1", "1.26.3", "latest", "1.28.1-beta.0", 1.28]) {
    it(`refuses the Istio version ${JSON.stringify(bad)}`, () => {
      assert.deepStrictEqual(problemsOf({ ...installOn("cluster-1"), istioVersion: bad }), [
        `key "${INSTALL_KEY}.istioVersion" is ${JSON.stringify(bad)}; expected an exact Istio release 1.MINOR.PATCH, 1.27.0 or newer (such as 1.28.1)`,
      ]);
    });
  }

  it("requires the version and the root CA stack when enabled, not when off", () => {
    assert.deepStrictEqual(problemsOf({ enabled: true }), [
      `key "${INSTALL_KEY}.istioVersion" is missing; expected an exact Istio release 1.MINOR.PATCH, 1.27.0 or newer (such as 1.28.1)`,
      `key "${INSTALL_KEY}.rootCa" is missing; expected { stack: <the stack that holds the mesh's root CA> }`,
    ]);
    assert.deepStrictEqual(problemsOf({ enabled: false }), []);
  });

  it("checks the fields even when the layer is off", () => {
    assert.deepStrictEqual(problemsOf({ enabled: false, istioVersion: "1.28" }), [
      `key "${INSTALL_KEY}.istioVersion" is "1.28"; expected an exact Istio release 1.MINOR.PATCH, 1.27.0 or newer (such as 1.28.1)`,
    ]);
  });

  it("is off when enabled is left out, and still reads the rest", () => {
    const s = parseInstallSettings("cluster-1", rawWithInstall("cluster-1", { istioVersion: "1.28.1" }));
    assert.deepStrictEqual([s.enabled, s.istioVersion, s.rootCaStack], [false, "1.28.1", ""]);
  });

  it("refuses a mesh ID, an organization and a root CA stack that are not names, and a root CA without its stack", () => {
    assert.deepStrictEqual(problemsOf({ ...installOn("cluster-1"), meshId: "mesh one", organization: "my org" }), [
      `key "${INSTALL_KEY}.meshId" is "mesh one"; expected a mesh ID: a Kubernetes label value (alphanumeric, '-', '_', '.', at most 63 characters)`,
      `key "${INSTALL_KEY}.organization" is "my org"; expected a Pulumi organization name`,
    ]);
    assert.deepStrictEqual(problemsOf({ ...installOn("cluster-1"), rootCa: {} }), [
      `key "${INSTALL_KEY}.rootCa.stack" is missing; expected a Pulumi stack name (letters, digits, '-', '_', '.')`,
    ]);
  });

  it("refuses an install setting that is not JSON, as Pulumi hands structured config over", () => {
    assert.throws(() => parseInstallSettings("cluster-1", { ...stackRaw("cluster-1"), [INSTALL_KEY]: "{enabled" }), {
      name: "ConfigError",
      message:
        /key "mesh-lab:install" is "\{enabled"; expected an object \(set it as a YAML mapping in the stack file\)/,
    });
  });

  it("refuses an unknown key with a did-you-mean hint, and a non-object", () => {
    assert.deepStrictEqual(problemsOf({ ...installOn("cluster-1"), meshID: "mesh1" }), [
      `key "${INSTALL_KEY}.meshID" is not a mesh-lab setting; did you mean "${INSTALL_KEY}.meshId"?`,
    ]);
    assert.throws(
      () => parseInstallSettings("cluster-1", { ...stackRaw("cluster-1"), [INSTALL_KEY]: "true" }),
      /key "mesh-lab:install" is true; expected an object with keys enabled, istioVersion/,
    );
  });

  it("refuses a stack among its own peers, a peer twice, and peers without the API server they need", () => {
    const noApi = { ...installOn("cluster-1") };
    delete noApi.apiServer;
    assert.deepStrictEqual(problemsOf({ ...noApi, peers: ["cluster-1", "cluster-2", "cluster-2"] }), [
      `key "${INSTALL_KEY}.peers" is ["cluster-1","cluster-2","cluster-2"]; expected other stacks than "cluster-1" itself`,
      `key "${INSTALL_KEY}.peers" is ["cluster-1","cluster-2","cluster-2"]; expected each stack once`,
      `key "${INSTALL_KEY}.apiServer" is missing; expected this cluster's API server URL as the peers reach it (https://host:port), because peers is not empty`,
    ]);
  });

  it("takes a Gateway API release or false, nothing else", () => {
    assert.strictEqual(
      parseInstallSettings(
        "cluster-1",
        rawWithInstall("cluster-1", { ...installOn("cluster-1"), gatewayApiVersion: false }),
      ).gatewayApiVersion,
      false,
    );
    assert.deepStrictEqual(problemsOf({ ...installOn("cluster-1"), gatewayApiVersion: "1.4" }), [
      `key "${INSTALL_KEY}.gatewayApiVersion" is "1.4"; expected a Gateway API release v1.MINOR.PATCH (such as v1.4.0), or false when the CRDs are installed by someone else`,
    ]);
  });

  it("refuses a plain-http chart repository or API server, and an intermediate that outlives the root", () => {
    assert.deepStrictEqual(
      problemsOf({
        ...installOn("cluster-1"),
        chartRepo: "http://charts.example",
        apiServer: "https://user:pw@host:6443",
        rootCaHours: 100,
        intermediateCaHours: 200,
      }),
      [
        `key "${INSTALL_KEY}.chartRepo" is "http://charts.example"; expected an https URL of a Helm chart repository, no credentials`,
        `key "${INSTALL_KEY}.apiServer" is "https://user:pw@host:6443"; expected an https URL of this cluster's API server, as the peer clusters reach it`,
        `key "${INSTALL_KEY}.intermediateCaHours" is 200; expected at most rootCaHours (100): an intermediate cannot outlive its root`,
      ],
    );
  });
});
