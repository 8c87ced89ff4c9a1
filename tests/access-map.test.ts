import * as assert from "assert";
import { buildPlan } from "../plan/mesh-plan";
import { accessMapMarkdown } from "../plan/access-map";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";

// The access matrix of gitops/README.md: computed from the planned objects, so a policy change shows in it.
describe("the access matrix of a cluster (gitops/README.md)", () => {
  const map = (apps: readonly Record<string, unknown>[], changes: Record<string, unknown> = {}) => {
    const plan = buildPlan(fixtureSettings(apps, changes));
    return accessMapMarkdown(
      plan.settings,
      plan.objects.map((o) => o.manifest),
    );
  };

  it("lists, per Service port, the callers that get in, by which policy, through which proxy", () => {
    const rows = map([WEB, CLIENT])
      .split("\n")
      .filter((l) => l.startsWith("| `"));
    assert.deepStrictEqual(rows, [
      "| `web.web:8080` | `client/default` (`web/allow-from-client`)<br>`client/client` (`web/allow-from-client`) | waypoint `web/waypoint` | 4 |",
    ]);
    const l4 = map([WEB, CLIENT], { waypoints: "false" })
      .split("\n")
      .filter((l) => l.startsWith("| `"));
    assert.deepStrictEqual(l4, [
      "| `web.web:8080` | `client/default` (`web/allow-from-client`)<br>`client/client` (`web/allow-from-client`) | ztunnel | 3 |",
    ]);
  });

  it("says which apps are not in the table because their own chart deploys their Service (workload: false)", () => {
    const chart = { name: "chart", workload: false, port: 8080, serviceAccounts: ["chart-sa"], allowFrom: ["client"] };
    const text = map([chart, { ...CLIENT, calls: ["chart"] }]);
    assert.match(
      text,
      /^Not in the table: `chart` \(`workload: false`\): the app's own chart deploys its Service and pods, which the table is computed from; its policies are in the tree\.$/m,
    );
    assert.doesNotMatch(map([WEB, CLIENT]), /Not in the table/);
  });

  it("says nobody when no policy lets anyone in, and names every caller it checked", () => {
    const { allowFrom: _, ...alone } = WEB;
    const { calls: __, ...idle } = CLIENT;
    const text = map([alone, idle]);
    assert.match(text, /^\| `web\.web:8080` \| nobody \| waypoint `web\/waypoint` \| 6 \|$/m);
    assert.match(
      text,
      /^Callers checked: `web\/web`, `web\/default`, `web\/waypoint`, `client\/client`, `client\/default`, `mesh-lab-outsider\/default`\.$/m,
    );
  });

  it("counts the callers it checked, rather than naming them, in a large mesh", () => {
    const apps = Array.from({ length: 12 }, (_, i) => ({ ...WEB, name: `web-${i}`, allowFrom: ["client"] }));
    const text = map([...apps, { ...CLIENT, calls: ["web-0"] }]);
    // 12 apps x (account, default, waypoint), the client's account and default, and the outsider.
    assert.match(
      text,
      /^Callers checked: 39 \(every app's service accounts, .* and `mesh-lab-outsider\/default`\)\.$/m,
    );
  });
});
