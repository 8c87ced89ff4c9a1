import * as assert from "assert";
import { authorizationManifests } from "../plan/specs/authorization";
import { meshMap } from "../plan/observability/mesh-map";
import { observedCluster } from "../plan/observability/observed";
import { isCheckedRule } from "../config/parse-apps";
import * as fs from "fs";
import * as path from "path";
import { allowEntry } from "../config/allow-from";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";
import { fixtureProject, renderCli, snapshot } from "./support/render-project";

// allowFrom entries as platform teams have them: namespaces outside the apps, service accounts, HTTP rules.
describe("allowFrom: who may call an app", () => {
  const settings = fixtureSettings([
    {
      ...WEB,
      allowFrom: [
        "client",
        "istio-ingress",
        "jobs/report-writer",
        { from: "admin/console", methods: ["GET", "HEAD"], paths: ["/status", "/api/*"] },
      ],
    },
    CLIENT,
  ]);
  const web = settings.apps[0];
  const policies = authorizationManifests(settings, web);
  const byName = new Map(policies.map((p) => [p.metadata.name, p.spec]));

  it("reads each form into a rule", () => {
    assert.deepStrictEqual(web.allowFrom, [
      { namespace: "client" },
      { namespace: "istio-ingress" },
      { namespace: "jobs", serviceAccount: "report-writer" },
      { namespace: "admin", serviceAccount: "console", methods: ["GET", "HEAD"], paths: ["/status", "/api/*"] },
    ]);
  });

  it("allows a namespace outside the apps by namespace, as an app's, under the frozen name allow-from-<ns>", () => {
    assert.deepStrictEqual(byName.get("allow-from-istio-ingress")!.rules, [
      { from: [{ source: { namespaces: ["istio-ingress"] } }] },
    ]);
    assert.deepStrictEqual(byName.get("allow-from-client")!.rules, [
      { from: [{ source: { namespaces: ["client"] } }] },
    ]);
  });

  it("allows a service account by its SPIFFE principal, in a policy of its own", () => {
    assert.deepStrictEqual(byName.get("allow-from-jobs.report-writer")!.rules, [
      { from: [{ source: { principals: ["cluster.local/ns/jobs/sa/report-writer"] } }] },
    ]);
  });

  it("puts HTTP methods and paths in the rule's to, on a policy the waypoint enforces (targetRefs)", () => {
    const spec = byName.get("allow-from-admin.console")!;
    assert.deepStrictEqual(spec.rules, [
      {
        from: [{ source: { principals: ["cluster.local/ns/admin/sa/console"] } }],
        to: [{ operation: { methods: ["GET", "HEAD"], paths: ["/status", "/api/*"] } }],
      },
    ]);
    assert.deepStrictEqual(spec.targetRefs, [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" },
    ]);
  });

  it("proves with the policy check only what a Job can call: an app's whole namespace, no HTTP rule", () => {
    assert.deepStrictEqual(
      web.allowFrom.filter((r) => isCheckedRule(r, settings.apps)),
      [{ namespace: "client" }],
    );
  });

  it("renders schema-valid policies that build with kustomize (npm run render's path)", async function () {
    this.timeout(60000);
    const dir = fixtureProject({ east: { apps: [{ ...WEB, allowFrom: web.allowFrom.map(allowEntry) }, CLIENT] } });
    try {
      const r = await renderCli(dir);
      assert.strictEqual(r.code, 0, r.stderr);
      const files = [...snapshot(path.join(dir, "gitops")).keys()].filter((p) => p.includes("allow-from"));
      assert.deepStrictEqual(files, [
        "tenants/east/web/authorizationpolicy-web.allow-from-admin.console.yaml",
        "tenants/east/web/authorizationpolicy-web.allow-from-client.yaml",
        "tenants/east/web/authorizationpolicy-web.allow-from-istio-ingress.yaml",
        "tenants/east/web/authorizationpolicy-web.allow-from-jobs.report-writer.yaml",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("draws a caller app allowed through its own service account, and not one allowed another's", () => {
    const apps = (rule: string) =>
      fixtureSettings([
        { ...WEB, allowFrom: [rule] },
        { ...CLIENT, calls: ["web"] },
      ]);
    assert.match(meshMap(observedCluster(apps("client/client"))), /app_client -->\|calls\| app_web/);
    assert.doesNotMatch(meshMap(observedCluster(apps("client/other"))), /app_client -->\|calls\| app_web/);
  });
});
