import * as assert from "assert";
import { AccessEvaluator } from "../access/evaluate";
import { readMesh } from "../access/model";
import { AccessProofError, accessProblems, callersOf, callersToCheck } from "../plan/access-proof";
import { appObjects, buildPlan } from "../plan/mesh-plan";
import { PlannedObject } from "../plan/types";
import { MeshSettings } from "../config/schema";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";

// buildPlan proves the plan's policies against allowFrom before pulumi up registers or the render writes anything.
// These plans are correct, then broken the subtle ways policies go wrong in ambient, which the proof must catch.
type Spec = Record<string, unknown>;

function planned(apps: readonly Record<string, unknown>[], changes: Record<string, unknown> = {}) {
  const settings = fixtureSettings(apps, changes);
  return { settings, objects: settings.apps.flatMap((a) => appObjects(settings, a)) };
}

/** The plan with one policy's spec replaced (or the policy removed, for `undefined`). */
function withPolicy(objects: readonly PlannedObject[], name: string, spec: Spec | undefined): PlannedObject[] {
  const found = objects.some((o) => o.name === name);
  assert.ok(found, `no planned object ${name}`);
  return objects.flatMap((o) =>
    o.name !== name
      ? [o]
      : spec === undefined
        ? []
        : [{ ...o, manifest: { ...o.manifest, spec } as PlannedObject["manifest"] }],
  );
}

const WAYPOINT_REF = { group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" };
const fromClient = { from: [{ source: { namespaces: ["client"] } }] };

describe("the access proof of a plan (buildPlan)", () => {
  it("passes the plans mesh-lab writes: waypoint or not, service accounts, HTTP rules, chart workloads", () => {
    const variants: [readonly Record<string, unknown>[], Record<string, unknown>][] = [
      [[WEB, CLIENT], {}],
      [[WEB, CLIENT], { waypoints: "false" }],
      [
        [
          { ...WEB, allowFrom: ["client/client", { from: "client", methods: ["GET"], paths: ["/api/*", "*.json"] }] },
          CLIENT,
        ],
        {},
      ],
      [
        [
          { ...WEB, allowFrom: undefined },
          { ...CLIENT, calls: undefined },
        ],
        {},
      ],
      [
        [
          { name: "chart", workload: false, port: 8080, serviceAccounts: ["chart-sa"], allowFrom: ["client"] },
          { ...CLIENT, calls: ["chart"] },
        ],
        {},
      ],
      [[WEB, CLIENT], { trustDomain: "mesh.example" }],
    ];
    for (const [apps, changes] of variants) {
      const { settings, objects } = planned(
        apps.map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined))),
        changes,
      );
      assert.deepStrictEqual(accessProblems(settings, objects), [], JSON.stringify({ apps, changes }));
    }
  });

  it("catches a selector where a targetRef is needed: behind a waypoint the ztunnel sees only the waypoint", () => {
    const { settings, objects } = planned([WEB, CLIENT]);
    const selector = { selector: { matchLabels: { app: "web" } }, action: "ALLOW", rules: [fromClient] };
    const problems = accessProblems(settings, withPolicy(objects, "web-allow-from-client", selector));
    assert.ok(
      problems.includes(
        "client/client -> web.web:8080: allowFrom admits it (decided by the waypoint), but the planned policies deny it at the waypoint (web/waypoint-deny-all)",
      ),
      problems.join("\n"),
    );
  });

  it("catches a missing waypoint allow: the destination ztunnel's deny-all refuses the waypoint itself", () => {
    const { settings, objects } = planned([WEB, CLIENT]);
    const problems = accessProblems(settings, withPolicy(objects, "web-allow-waypoint", undefined));
    assert.ok(
      problems.includes(
        "client/client -> web.web:8080: allowFrom admits it (decided by the waypoint), but the planned policies deny it at the ztunnel (web/deny-all)",
      ),
      problems.join("\n"),
    );
  });

  it("catches an HTTP rule on a ztunnel-enforced policy: istiod drops the rule, the caller is refused", () => {
    const { settings, objects } = planned([WEB, CLIENT], { waypoints: "false" });
    const http = { action: "ALLOW", rules: [{ ...fromClient, to: [{ operation: { methods: ["GET"] } }] }] };
    const problems = accessProblems(settings, withPolicy(objects, "web-allow-from-client", http));
    assert.ok(
      problems.includes(
        "client/client -> web.web:8080: allowFrom admits it (decided by the ztunnel), but the planned policies deny it at the ztunnel (web/deny-all, web/allow-from-client)",
      ),
      problems.join("\n"),
    );
    // The same rule without its HTTP field passes: the field is what ztunnel drops.
    assert.deepStrictEqual(
      accessProblems(settings, withPolicy(objects, "web-allow-from-client", { action: "ALLOW", rules: [fromClient] })),
      [],
    );
  });

  it("catches a way around the waypoint: a pod-level allow lets the caller dial the pods' address", () => {
    const { settings, objects } = planned([{ ...WEB, allowFrom: [{ from: "client", methods: ["GET"] }] }, CLIENT]);
    const podLevel = { ...objects.find((o) => o.name === "web-allow-waypoint")!, name: "web-pod-allow" };
    const opened = [
      ...objects,
      {
        ...podLevel,
        manifest: {
          ...podLevel.manifest,
          metadata: { ...podLevel.manifest.metadata, name: "pod-allow" },
          spec: { action: "ALLOW", rules: [fromClient] },
        } as PlannedObject["manifest"],
      },
    ];
    const bypass = (who: string) =>
      `${who} -> web.web:8080, to the pods' address (skipping the waypoint): only the waypoint may reach them, but the planned policies allow it at the ztunnel (web/pod-allow)`;
    assert.deepStrictEqual(accessProblems(settings, opened), [bypass("client/default"), bypass("client/client")]);
  });

  it("probes an HTTP rule that names every method with its paths only", () => {
    const every = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"];
    const { settings, objects } = planned([
      { ...WEB, allowFrom: [{ from: "client", methods: every, paths: ["/api/*"] }] },
      CLIENT,
    ]);
    assert.deepStrictEqual(accessProblems(settings, objects), []);
    const anyPath = {
      targetRefs: [WAYPOINT_REF],
      action: "ALLOW",
      rules: [{ ...fromClient, to: [{ operation: { methods: every } }] }],
    };
    const problems = accessProblems(settings, withPolicy(objects, "web-allow-from-client", anyPath));
    assert.deepStrictEqual(
      problems.map((p) => p.split(":")[0] + ":" + p.split(":")[1]),
      [
        "client/default -> web.web:8080 GET /mesh-lab-access-probe",
        "client/client -> web.web:8080 GET /mesh-lab-access-probe",
      ],
    );
  });

  it("catches an HTTP rule that lets through more than allowFrom says", () => {
    const http = [{ ...WEB, allowFrom: [{ from: "client", methods: ["GET"] }] }, CLIENT];
    const { settings, objects } = planned(http);
    const anyMethod = { targetRefs: [WAYPOINT_REF], action: "ALLOW", rules: [fromClient] };
    const problems = accessProblems(settings, withPolicy(objects, "web-allow-from-client", anyMethod));
    assert.ok(
      problems.some((p) =>
        /^client\/client -> web\.web:8080 DELETE \/: no allowFrom entry of apps\[0\] admits it .* allow it at the waypoint/.test(
          p,
        ),
      ),
      problems.join("\n"),
    );
  });

  it("catches a waypoint left open: with no allow at the waypoint, every caller gets through it", () => {
    const { allowFrom: _, ...alone } = WEB;
    const { calls: __, ...idle } = CLIENT;
    const { settings, objects } = planned([alone, idle]);
    const problems = accessProblems(settings, withPolicy(objects, "web-waypoint-deny-all", undefined));
    // The waypoint's own account, which a policy names, and the outsider, which stands for every caller no policy
    // names (client/client among them): each judged, each let in.
    const verdict =
      ": no allowFrom entry of apps[0] admits it (decided by the waypoint), but the planned policies allow it at the waypoint (no policy)";
    assert.deepStrictEqual(problems, [
      `web/waypoint -> web.web:8080${verdict}`,
      `mesh-lab-outsider/default -> web.web:8080 (and so every caller the policies do not name)${verdict}`,
    ]);
  });

  it("checks every caller when a policy names callers by a pattern: one it does not name may still match", () => {
    const { settings, objects } = planned([WEB, CLIENT]);
    const pattern = {
      targetRefs: [WAYPOINT_REF],
      action: "ALLOW",
      rules: [{ from: [{ source: { namespaces: ["c*", "w*"] } }] }],
    };
    const problems = accessProblems(settings, withPolicy(objects, "web-allow-from-client", pattern));
    assert.ok(
      problems.some((p) => p.startsWith("web/web -> web.web:8080: no allowFrom entry of apps[0] admits it")),
      problems.join("\n"),
    );
  });

  it("leaves out of the check only callers it judges as it judges the outsider: every identity a from or when names is checked", () => {
    const { settings, objects } = planned([WEB, CLIENT]);
    const web = settings.apps.find((a) => a.name === "web")!;
    const principal = "cluster.local/ns/web/sa/web";
    const conditions = [
      { key: "source.namespace", values: ["web"] },
      { key: "source.namespace", notValues: ["web"] },
      { key: "source.principal", values: [principal] },
      { key: "source.principal", notValues: [principal] },
      // Without a namespace, the policy's own (web): web/web.
      { key: "source.serviceAccount", values: ["web"] },
      { key: "source.serviceAccount", notValues: ["web"] },
    ];
    const sources = [
      { namespaces: ["web"] },
      { notNamespaces: ["web"] },
      { principals: [principal] },
      { notPrincipals: [principal] },
      { serviceAccounts: ["web"] },
      { notServiceAccounts: ["web"] },
    ];
    const rules = [...conditions.map((c) => ({ when: [c] })), ...sources.map((source) => ({ from: [{ source }] }))];
    for (const rule of rules) {
      const spec = { targetRefs: [WAYPOINT_REF], action: "ALLOW", rules: [rule] };
      const mesh = readMesh(
        withPolicy(objects, "web-allow-from-client", spec).map((o) => o.manifest),
        settings.trustDomain,
      );
      const ev = new AccessEvaluator(mesh);
      const callers = callersOf(settings);
      for (const t of ev.targets().filter((x) => x.service.namespace === "web")) {
        const picked = new Set(callersToCheck(ev, t, callers, web.allowFrom));
        const outsider = ev.decide(callers.outsider, t);
        const judged = (d: typeof outsider) => `${d.verdict} ${d.enforcedBy} [${d.decidedBy.join(" ")}]`;
        for (const c of callers.all.filter((x) => !picked.has(x)))
          assert.strictEqual(
            judged(ev.decide(c, t)),
            judged(outsider),
            `${JSON.stringify(rule)}: ${c.namespace}/${c.serviceAccount}`,
          );
        // The rule names web/web, whose verdict differs from the outsider's: it is checked.
        assert.ok(
          [...picked].some((c) => c.namespace === "web" && c.serviceAccount === "web"),
          JSON.stringify(rule),
        );
      }
    }
  });

  it("stops buildPlan, so nothing is registered or written: here on settings parseSettings would have refused", () => {
    // An HTTP rule without a waypoint: the config layer refuses it; were it to slip through, the plan's L4 policy
    // would carry HTTP fields, which ztunnel drops, and the proof refuses the plan.
    const valid = fixtureSettings([WEB, CLIENT], { waypoints: "false" });
    assert.doesNotThrow(() => buildPlan(valid));
    const slipped: MeshSettings = {
      ...valid,
      apps: valid.apps.map((a) =>
        a.name === "web" ? { ...a, allowFrom: [{ namespace: "client", methods: ["GET"] }] } : a,
      ),
    };
    assert.throws(
      () => buildPlan(slipped),
      (e: Error) =>
        e instanceof AccessProofError &&
        e.message.startsWith('stack "test": the planned policies do not do what the config asks') &&
        e.message.includes(
          "client/client -> web.web:8080: allowFrom admits it (decided by the ztunnel), but the planned policies deny it at the ztunnel (web/deny-all, web/allow-from-client)",
        ),
    );
  });
});
