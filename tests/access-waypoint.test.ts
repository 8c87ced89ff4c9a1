import * as assert from "assert";
import {
  allowWeb,
  basics,
  behindWaypoint,
  brief,
  decide,
  GET,
  namespace,
  policy,
  service,
  TO_WAYPOINT,
  waypoint,
} from "./support/access-mesh";

// A Service with a waypoint: the caller's ztunnel sends its requests there, the waypoint judges the caller by the
// policies attached to it, and the destination's ztunnel then judges the waypoint. Each case pins istio/istio or
// istio/ztunnel 1.28.0 lines (docs/access.md).
const Q = "web/web -> api.api:80";
describe("access: through a waypoint", () => {
  it("judges the caller at the waypoint, and the waypoint's own account at the ztunnel (ztunnel inbound.rs:L121-128)", () => {
    assert.strictEqual(brief(decide(behindWaypoint(allowWeb()), Q)), "allow waypoint [api/allow-web]");
    assert.strictEqual(brief(decide(behindWaypoint(), Q)), "deny waypoint [api/waypoint-deny-all]");
    // Without allow-waypoint, the ztunnel's deny-all refuses the waypoint itself: nothing gets through.
    const blocked = behindWaypoint(allowWeb()).filter(
      (o) => (o.metadata as { name: string }).name !== "allow-waypoint",
    );
    assert.strictEqual(brief(decide(blocked, Q)), "deny ztunnel [api/deny-all]");
  });

  it("runs as a service account named after the Gateway (deploymentcontroller.go:L196-208, conversion.go:L1599-1604)", () => {
    const other = behindWaypoint(allowWeb()).map((o) =>
      (o.metadata as { name: string }).name === "allow-waypoint"
        ? policy("api", "allow-waypoint", {
            rules: [{ from: [{ source: { principals: ["cluster.local/ns/api/sa/waypoint-istio"] } }] }],
          })
        : o,
    );
    assert.strictEqual(brief(decide(other, Q)), "deny ztunnel [api/deny-all api/allow-waypoint]");
    // gateway.istio.io/service-account names another account (deploymentcontroller.go L493, L526).
    const annotated = other.map((o) =>
      o.kind === "Gateway"
        ? {
            ...o,
            metadata: {
              ...(o.metadata as object),
              annotations: { "gateway.istio.io/service-account": "waypoint-istio" },
            },
          }
        : o,
    );
    assert.strictEqual(brief(decide(annotated, Q)), "allow waypoint [api/allow-web]");
  });

  it("enforces only targetRefs policies: a selector or namespace policy never applies at a waypoint (policyattachment.go:L139-149)", () => {
    // A pod-level allow of web: the ztunnel sees the waypoint, not web, so it never matches through the waypoint.
    const podLevel = policy("api", "allow-web", {
      selector: { matchLabels: { app: "api" } },
      rules: [{ from: [{ source: { namespaces: ["web"] } }] }],
    });
    assert.strictEqual(brief(decide(behindWaypoint(podLevel), Q)), "deny waypoint [api/waypoint-deny-all]");
  });

  it("attaches by Gateway (in its own namespace), by Service (that Service only) and by GatewayClass from the root namespace (policyattachment.go:L154-197)", () => {
    const byService = (name: string) =>
      policy("api", "allow-web", {
        targetRefs: [{ group: "", kind: "Service", name }],
        rules: [{ from: [{ source: { namespaces: ["web"] } }] }],
      });
    assert.strictEqual(decide(behindWaypoint(byService("api")), Q).verdict, "allow");
    assert.strictEqual(decide(behindWaypoint(byService("other")), Q).verdict, "deny");
    const byClass = (ns: string) =>
      policy(ns, "no-web", {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "GatewayClass", name: "istio-waypoint" }],
        action: "DENY",
        rules: [{ from: [{ source: { namespaces: ["web"] } }] }],
      });
    assert.strictEqual(
      brief(decide(behindWaypoint(allowWeb(), byClass("istio-system")), Q)),
      "deny waypoint [istio-system/no-web]",
    );
    assert.strictEqual(decide(behindWaypoint(allowWeb(), byClass("api")), Q).verdict, "allow");
    // A Gateway targetRef from another namespace does not attach.
    const foreign = policy("web", "no-web", { ...TO_WAYPOINT, action: "DENY", rules: [{}] });
    assert.strictEqual(decide(behindWaypoint(allowWeb(), foreign), Q).verdict, "allow");
  });

  it("reads HTTP: methods and paths decide a request; at L4 a caller some request may reach is allowed", () => {
    const objects = behindWaypoint(allowWeb({ to: [{ operation: { methods: ["GET"], paths: ["/api/*"] } }] }));
    assert.strictEqual(decide(objects, Q, { method: "GET", path: "/api/x" }).verdict, "allow");
    assert.strictEqual(decide(objects, Q, { method: "DELETE", path: "/api/x" }).verdict, "deny");
    assert.strictEqual(decide(objects, Q, { method: "GET", path: "/admin" }).verdict, "deny");
    assert.strictEqual(decide(objects, Q).verdict, "allow");
    const deny = policy("api", "no-delete", {
      ...TO_WAYPOINT,
      action: "DENY",
      rules: [{ to: [{ operation: { methods: ["DELETE"] } }] }],
    });
    assert.strictEqual(
      brief(decide(behindWaypoint(allowWeb(), deny), Q, { method: "DELETE", path: "/" })),
      "deny waypoint [api/no-delete]",
    );
    // At L4 a DENY of some requests does not deny the caller.
    assert.strictEqual(decide(behindWaypoint(allowWeb(), deny), Q).verdict, "allow");
  });

  it("matches ports against the Service port at the waypoint (generator.go:L55-63; ztunnel outbound.rs:L496)", () => {
    const onPort = (port: string) => behindWaypoint(allowWeb({ to: [{ operation: { ports: [port] } }] }));
    assert.strictEqual(decide(onPort("80"), Q, GET).verdict, "allow");
    assert.strictEqual(decide(onPort("8080"), Q, GET).verdict, "deny");
  });

  it("on a TCP port, skips an ALLOW rule with HTTP fields and widens a DENY rule without them (model.go:L345-356)", () => {
    const tcp = (extra: Record<string, unknown>) =>
      behindWaypoint(extra).map((o) =>
        o.kind === "Service"
          ? service("api", "api", { ports: [{ name: "tcp", port: 80, targetPort: 8080, appProtocol: "tcp" }] })
          : o,
      );
    assert.strictEqual(decide(tcp(allowWeb({ to: [{ operation: { methods: ["GET"] } }] })), Q).verdict, "deny");
    const deny = policy("api", "no-get", {
      ...TO_WAYPOINT,
      action: "DENY",
      rules: [{ to: [{ operation: { methods: ["GET"] } }] }],
    });
    const both = [...tcp(allowWeb()), deny];
    assert.strictEqual(brief(decide(both, Q)), "deny waypoint [api/no-get]");
  });

  it("follows the Service's own use-waypoint label first, none opts out, a missing waypoint means none (waypoints.go:L100-150)", () => {
    const label = (l: Record<string, string>) =>
      behindWaypoint(allowWeb()).map((o) => (o.kind === "Service" ? service("api", "api", { labels: l }) : o));
    assert.strictEqual(
      brief(decide(label({ "istio.io/use-waypoint": "none" }), Q)),
      "deny ztunnel [api/deny-all api/allow-waypoint]",
    );
    assert.strictEqual(decide(label({ "istio.io/use-waypoint": "missing" }), Q).enforcedBy, "ztunnel");
    const own = [
      ...basics(),
      waypoint("api", "wp"),
      policy("api", "no", {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "wp" }],
        action: "DENY",
        rules: [{}],
      }),
    ];
    const labelled = own.map((o) =>
      o.kind === "Service" ? service("api", "api", { labels: { "istio.io/use-waypoint": "wp" } }) : o,
    );
    assert.strictEqual(brief(decide(labelled, Q)), "deny waypoint [api/no]");
  });

  it("takes service traffic only on a waypoint for service or all (waypoints.go:L167-173, L240-254)", () => {
    for (const [forWhat, proxy] of [
      ["workload", "ztunnel"],
      ["all", "waypoint"],
      ["service", "waypoint"],
    ]) {
      const objects = behindWaypoint(allowWeb()).map((o) =>
        o.kind === "Gateway" ? waypoint("api", "waypoint", { "istio.io/waypoint-for": forWhat }) : o,
      );
      assert.strictEqual(decide(objects, Q).enforcedBy, proxy, forWhat);
    }
  });

  it("is bypassed by a caller outside the mesh, which the ztunnel then sees without identity (baseline_test.go:L1429-1431)", () => {
    const objects = behindWaypoint(allowWeb()).map((o) =>
      o.kind === "Namespace" && (o.metadata as { name: string }).name === "web" ? namespace("web", {}) : o,
    );
    assert.strictEqual(brief(decide(objects, Q)), "deny ztunnel [api/deny-all api/allow-waypoint]");
  });

  it("reads at the waypoint what ztunnel cannot: the source service account, the client address, SNI (generator.go)", () => {
    const bySa = policy("api", "allow-web", {
      ...TO_WAYPOINT,
      rules: [{ when: [{ key: "source.serviceAccount", values: ["web/web"] }] }],
    });
    assert.strictEqual(brief(decide(behindWaypoint(bySa), Q)), "allow waypoint [api/allow-web]");
    // A DENY of an address range or a server name denies what it names, which no manifest does: nobody here.
    for (const deny of [
      { from: [{ source: { remoteIpBlocks: ["203.0.113.0/24"] } }] },
      { when: [{ key: "connection.sni", values: ["evil.example"] }] },
    ]) {
      // On a TCP port, where Envoy's builder would drop an HTTP-only field and deny everyone.
      const objects = behindWaypoint(
        allowWeb(),
        policy("api", "d", { ...TO_WAYPOINT, action: "DENY", rules: [deny] }),
      ).map((o) =>
        o.kind === "Service" ? service("api", "api", { ports: [{ name: "tcp", port: 80, targetPort: 8080 }] }) : o,
      );
      assert.strictEqual(decide(objects, Q).verdict, "allow", JSON.stringify(deny));
    }
  });

  it("drops an ALLOW rule with a port that is no number, and a DENY keeps the rule without it (model.go:L344-356)", () => {
    assert.strictEqual(
      decide(behindWaypoint(allowWeb({ to: [{ operation: { ports: ["http", "80"] } }] })), Q, GET).verdict,
      "deny",
    );
    const deny = policy("api", "d", {
      ...TO_WAYPOINT,
      action: "DENY",
      rules: [{ to: [{ operation: { ports: ["http"] } }] }],
    });
    assert.strictEqual(brief(decide(behindWaypoint(allowWeb(), deny), Q, GET)), "deny waypoint [api/d]");
  });

  it("uses another namespace's waypoint with istio.io/use-waypoint-namespace beside the label (waypoints.go:L196-213)", () => {
    const objects = [
      ...basics().map((o) =>
        o.kind === "Service"
          ? service("api", "api", {
              labels: { "istio.io/use-waypoint": "shared", "istio.io/use-waypoint-namespace": "gw" },
            })
          : o,
      ),
      namespace("gw"),
      waypoint("gw", "shared"),
      policy("gw", "no", {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "shared" }],
        action: "DENY",
        rules: [{}],
      }),
    ];
    assert.strictEqual(brief(decide(objects, Q)), "deny waypoint [gw/no]");
  });

  it("reads a port that names no protocol as HTTP, and one named tcp-... as TCP", () => {
    const get = allowWeb({ to: [{ operation: { methods: ["GET"] } }] });
    const withPort = (p: Record<string, unknown>) =>
      behindWaypoint(get).map((o) =>
        o.kind === "Service" ? service("api", "api", { ports: [{ port: 80, targetPort: 8080, ...p }] }) : o,
      );
    assert.strictEqual(decide(withPort({}), Q, GET).verdict, "allow");
    assert.strictEqual(decide(withPort({ name: "tcp-api" }), Q, GET).verdict, "deny");
  });
});
