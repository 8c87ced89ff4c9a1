import * as assert from "assert";
import { authorizationManifests, waypointPrincipal } from "../plan/specs/authorization";
import { namespaceManifest } from "../plan/specs/namespace";
import { telemetryManifest } from "../plan/specs/telemetry";
import { callLoop } from "../plan/specs/workload";
import { MeshSettings } from "../config/schema";
import { AppSettings } from "../config/parse-apps";
import { stackSettings } from "./support/stacks";

// Pure functions from settings to manifests: tested directly, no mocks.
const base = stackSettings("cluster-1");
const app = (over: Partial<AppSettings>): AppSettings => ({ ...base.apps[0], ...over });
const settings = (over: Partial<MeshSettings>): MeshSettings => ({ ...base, ...over });

describe("spec builders", () => {
  it("namespaceManifest: no use-waypoint label for an app that asks for no waypoint", () => {
    const labels = namespaceManifest(base, app({ waypoint: false })).metadata.labels!;
    assert.strictEqual(labels["istio.io/use-waypoint"], undefined);
    assert.strictEqual(labels["istio.io/dataplane-mode"], "ambient");
  });

  it("authorizationManifests: deny-all, one allow per caller in order, then the waypoint allow", () => {
    const two = authorizationManifests(
      settings({}),
      app({ allowFrom: [{ namespace: "finance" }, { namespace: "audit" }], waypoint: true }),
    );
    assert.deepStrictEqual(
      two.map((p) => p.metadata.name),
      ["deny-all", "waypoint-deny-all", "allow-from-finance", "allow-from-audit", "allow-waypoint"],
    );
    assert.ok(two.every((p) => p.metadata.namespace === "accounts"));
  });

  it("authorizationManifests: an app nobody may call gets deny-all only", () => {
    assert.deepStrictEqual(
      authorizationManifests(base, app({ allowFrom: [], waypoint: false })).map((p) => p.metadata.name),
      ["deny-all"],
    );
  });

  it("waypointPrincipal: trust domain, the app's namespace and the waypoint's service account", () => {
    assert.strictEqual(
      waypointPrincipal(settings({ trustDomain: "td.example" }), app({ namespace: "acc" })),
      "td.example/ns/acc/sa/waypoint",
    );
  });

  it("telemetryManifest: no overrides and no access logs make an empty spec", () => {
    const t = telemetryManifest(base.apps[0], { metricsProvider: "prometheus", accessLogging: false, overrides: [] });
    assert.deepStrictEqual(t.spec, {});
  });

  it("callLoop: one call per callee per round, then the app's interval", () => {
    const ledger = app({
      name: "ledger",
      namespace: "books",
      port: 9090,
      ports: [{ name: "http", port: 9090, protocol: "http" }],
    });
    const s = settings({ apps: [...base.apps, ledger] });
    const client = app({
      name: "finance",
      namespace: "finance",
      port: undefined,
      calls: ["accounts", "ledger"],
      callIntervalSeconds: 7,
    });
    assert.strictEqual(
      callLoop(s, client),
      "while true; do " +
        "curl -sS -o /dev/null --max-time 3 -w 'http://accounts.accounts.svc.cluster.local:8080/ %{http_code}\\n' http://accounts.accounts.svc.cluster.local:8080/ || true; " +
        "curl -sS -o /dev/null --max-time 3 -w 'http://ledger.books.svc.cluster.local:9090/ %{http_code}\\n' http://ledger.books.svc.cluster.local:9090/ || true; " +
        "sleep 7; done",
    );
  });
});
