import { strict as assert } from "assert";
import { Problems } from "../config/problems";
import { Reader } from "../config/readers";
import { checkAppSlos, readAppSlo, readObservability } from "../config/parse-observability";
import { DEFAULT_OBSERVABILITY } from "../config/observability-settings";
import { BURN_PAIRS, budgetRatio } from "../config/slo-math";
import { observed } from "./support/observability";

const KEY = "mesh-lab:observability";
function read(raw: unknown) {
  const r = new Reader(new Problems());
  return { value: readObservability(r, KEY, raw), problems: r.problems.list };
}
function readSlo(raw: unknown, windowDays = 30) {
  const r = new Reader(new Problems());
  return {
    value: readAppSlo(r, "mesh-lab:apps[0].slo", raw, { ...DEFAULT_OBSERVABILITY.slo, windowDays }),
    problems: r.problems.list,
  };
}

describe("observability settings: mesh-lab:observability and apps[i].slo", () => {
  it("defaults to deploying nothing, the monitoring namespace, kube-prometheus-stack's release label and 99.9/99 over 30 days", () => {
    assert.deepEqual(read(undefined), {
      value: {
        deploy: "none",
        namespace: "monitoring",
        ruleLabels: { release: "kube-prometheus-stack" },
        slo: { availability: 99.9, latency: 99, windowDays: 30 },
      },
      problems: [],
    });
    assert.deepEqual(read({}).value, DEFAULT_OBSERVABILITY);
  });

  it("reads every key, keeping defaults for the SLO keys not given", () => {
    const { value, problems } = read({
      deploy: "all",
      namespace: "obs",
      ruleLabels: { release: "prom", "example.com/team": "mesh" },
      slo: { latency: 95, windowDays: 28 },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(value, {
      deploy: "all",
      namespace: "obs",
      ruleLabels: { release: "prom", "example.com/team": "mesh" },
      slo: { availability: 99.9, latency: 95, windowDays: 28 },
    });
  });

  it("refuses each bad value with the key, the value and what is allowed", () => {
    const { value, problems } = read({
      deploy: "yes",
      namespace: "Monitoring",
      ruleLabels: { "bad key!": "x", release: "a b" },
      slo: { availability: 100, latency: "99", windowDays: 3 },
      dashboards: true,
    });
    assert.equal(value, undefined);
    assert.deepEqual(problems, [
      'key "mesh-lab:observability.dashboards" is not a mesh-lab setting; known keys: deploy, namespace, ruleLabels, slo',
      'key "mesh-lab:observability.deploy" is "yes"; expected one of none, dashboards, rules, all',
      'key "mesh-lab:observability.namespace" is "Monitoring"; expected a DNS-1123 label (lowercase letters, digits and \'-\', 1-63 characters, starting and ending alphanumeric)',
      "key \"mesh-lab:observability.ruleLabels.bad key!\" is \"bad key!\"; expected a Kubernetes label name (optional DNS prefix/, then 1-63 alphanumerics, '-', '_', '.')",
      "key \"mesh-lab:observability.ruleLabels.release\" is \"a b\"; expected a Kubernetes label value (a string of at most 63 alphanumerics, '-', '_', '.')",
      'key "mesh-lab:observability.slo.windowDays" is 3; expected an integer 7-90',
      'key "mesh-lab:observability.slo.availability" is 100; expected a percentage above 0 and below 100 (99.9 means 99.9% of requests)',
      'key "mesh-lab:observability.slo.latency" is "99"; expected a percentage above 0 and below 100 (99.9 means 99.9% of requests)',
    ]);
  });

  it("refuses a non-object, with a did-you-mean for a misspelt key", () => {
    assert.deepEqual(read("all").problems, [
      'key "mesh-lab:observability" is "all"; expected an object with keys deploy, namespace, ruleLabels, slo',
    ]);
    assert.deepEqual(read({ deplyo: "all" }).problems, [
      'key "mesh-lab:observability.deplyo" is not a mesh-lab setting; did you mean "mesh-lab:observability.deploy"?',
    ]);
  });

  it("refuses an objective so low that the fastest page could never fire, and says why", () => {
    assert.deepEqual(read({ slo: { availability: 90 } }).problems, [
      'key "mesh-lab:observability.slo.availability" is 90; expected a percentage above 93.0556 and below 100: at 90 the 14.4x page threshold needs an error ratio of 144%, which cannot happen',
    ]);
    // The floor follows the window: 7 days make the fast page 3.36x, so 90% is reachable there.
    assert.deepEqual(read({ slo: { availability: 90, windowDays: 7 } }).problems, []);
    assert.deepEqual(read({ slo: { availability: 93.06 } }).problems, []);
  });

  it("reads an app's slo: false, overrides, and refuses the rest", () => {
    assert.deepEqual(readSlo(false), { value: false, problems: [] });
    assert.deepEqual(readSlo({ availability: 99.5 }), { value: { availability: 99.5 }, problems: [] });
    assert.deepEqual(readSlo({}), { value: {}, problems: [] });
    assert.deepEqual(readSlo(true).problems, [
      'key "mesh-lab:apps[0].slo" is true; expected false (no SLO) or an object with keys availability, latency',
    ]);
    assert.deepEqual(readSlo({ availability: 99.5, windowDays: 7 }), {
      value: undefined,
      problems: ['key "mesh-lab:apps[0].slo.windowDays" is not a mesh-lab setting; known keys: availability, latency'],
    });
    assert.deepEqual(readSlo({ latency: 0 }).problems, [
      'key "mesh-lab:apps[0].slo.latency" is 0; expected a percentage above 0 and below 100 (99.9 means 99.9% of requests)',
    ]);
    assert.deepEqual(readSlo({ latency: 90 }, 30).problems.length, 1);
    assert.deepEqual(readSlo({ latency: 90 }, 7).problems, []);
  });

  it("refuses an SLO on an app that serves nothing, but accepts slo: false there", () => {
    const r = new Reader(new Problems());
    checkAppSlos(r, "mesh-lab:apps", [{ port: 8080 }, {}, {}], [{ availability: 99 }, { latency: 99 }, false]);
    assert.deepEqual(r.problems.list, [
      'key "mesh-lab:apps[1].slo" is {"latency":99}; expected no slo (or false) on an app without a port: it serves no requests to measure',
    ]);
  });

  it("derives the workbook's burn rates for 30 days and scales them with the window", () => {
    assert.deepEqual(
      BURN_PAIRS.map((p) => [p.severity, p.longWindow, p.shortWindow, p.burnFactor(30)]),
      [
        ["page", "1h", "5m", 14.4],
        ["page", "6h", "30m", 6],
        ["ticket", "1d", "2h", 3],
        ["ticket", "3d", "6h", 1],
      ],
    );
    assert.deepEqual(
      BURN_PAIRS.map((p) => p.burnFactor(28)),
      [13.44, 5.6, 2.8, 0.933333],
    );
    assert.deepEqual([99.9, 99, 99.95].map(budgetRatio), [0.001, 0.01, 0.0005]);
  });
});

describe("observability: the builders' input from validated settings", () => {
  it("derives apps, waypoints, objectives and request tags from the default stack", () => {
    const c = observed("cluster-1");
    assert.deepEqual(c.apps, [
      {
        name: "accounts",
        namespace: "accounts",
        serves: true,
        waypoint: true,
        global: true,
        allowFrom: [{ namespace: "finance" }],
        serviceAccounts: ["accounts"],
        calls: [],
        index: 0,
        slo: { availability: 99.9, latency: 99, windowDays: 30 },
      },
      {
        name: "finance",
        namespace: "finance",
        serves: false,
        waypoint: false,
        global: false,
        allowFrom: [],
        serviceAccounts: ["finance"],
        calls: ["accounts"],
        index: 1,
      },
    ]);
    assert.deepEqual(c.requestTags, [
      {
        name: "error_type",
        key: "mesh-lab:telemetry.overrides[0].tagOverrides.error_type",
        value: "response.code >= 500 ? 'server_error' : (response.code >= 400 ? 'client_error' : 'none')",
      },
      {
        name: "slow_request",
        key: "mesh-lab:telemetry.overrides[0].tagOverrides.slow_request",
        value: "request.duration > duration('1s') ? 'true' : 'false'",
      },
    ]);
    assert.deepEqual([c.stack, c.clusterName, c.network], ["cluster-1", "cluster-1", "network1"]);
  });

  it("merges an app's own objectives over the stack's and drops them with slo: false", () => {
    assert.deepEqual(observed("cluster-1", { slos: [{ latency: 95 }] }).apps[0].slo, {
      availability: 99.9,
      latency: 95,
      windowDays: 30,
    });
    assert.equal(observed("cluster-1", { slos: [false] }).apps[0].slo, undefined);
  });
});
