import * as assert from "assert";
import { HttpRequest } from "../access/evaluate";
import {
  allowWeb,
  basics,
  behindWaypoint,
  decide,
  deployment,
  GET,
  Obj,
  policy,
  TO_WAYPOINT,
} from "./support/access-mesh";

// Each field of a rule and each `when` key, at the proxy that reads it: the destination ztunnel (which sees the pod's
// target port, 8080 here) and the waypoint (the Service port, 80). The lines are istio/istio 1.28.0's, as in
// docs/access.md: istiod's conversion for ztunnel (pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go) and Envoy's
// (pilot/pkg/security/authz/model/).
const Q = "web/web -> api.api:80";

/** The verdict of `web/web -> api.api:80` with one ALLOW policy at the destination's ztunnel. */
const atZtunnel = (spec: Obj, query = Q) => decide([...basics(), policy("api", "p", spec)], query).verdict;

const waypointDecision = (rule: Obj, request: HttpRequest | undefined) =>
  decide(behindWaypoint(policy("api", "allow", { ...TO_WAYPOINT, rules: [rule] })), Q, request).verdict;

/** The verdict at api's waypoint of an ALLOW of `rule` for a request (GET / unless told), no other allow there. */
const atWaypoint = (rule: Obj, request: HttpRequest = GET) => waypointDecision(rule, request);

/** The same at L4: no request asked, so "allow" means some request is allowed. */
const atWaypointL4 = (rule: Obj) => waypointDecision(rule, undefined);

const from = (source: Obj) => ({ from: [{ source }] });
const when = (...conditions: Obj[]) => ({ when: conditions });

describe("access: each field of a rule, as the proxy reads it", () => {
  it("matches a policy when any of its rules matches, and a from list when any of its entries does", () => {
    const ns = (name: string) => ({ source: { namespaces: [name] } });
    assert.strictEqual(atZtunnel({ rules: [{ from: [ns("a")] }, { from: [ns("web")] }] }), "allow");
    assert.strictEqual(atZtunnel({ rules: [{ from: [ns("a")] }, { from: [ns("b")] }] }), "deny");
    assert.strictEqual(atZtunnel({ rules: [{ from: [ns("a"), ns("web")] }] }), "allow");
    assert.strictEqual(atZtunnel({ rules: [{ from: [ns("a"), ns("b")] }] }), "deny");
    // At L4 a rule some request matches admits the caller, whichever rule comes first.
    const getOnly = { ...from({ namespaces: ["web"] }), to: [{ operation: { methods: ["GET"] } }] };
    const policyOf = (rules: Obj[]) => policy("api", "allow", { ...TO_WAYPOINT, rules });
    assert.strictEqual(decide(behindWaypoint(policyOf([from({ namespaces: ["a"] }), getOnly])), Q).verdict, "allow");
  });

  it("reads a port as istiod does, a decimal number up to 65535, and leaves out any other value (authorization.go stringToPort)", () => {
    const ports = (key: "ports" | "notPorts", values: string[]) =>
      atZtunnel({ rules: [{ to: [{ operation: { [key]: values } }] }] });
    // Values JavaScript's Number() would read as 8080: no port to istiod, so the entry is empty and never matches.
    for (const value of ["0x1F90", "+8080", "8080.0", "8080e0"])
      assert.strictEqual(ports("ports", [value]), "deny", value);
    assert.strictEqual(ports("notPorts", ["70000"]), "deny");
    assert.strictEqual(ports("notPorts", ["65535"]), "allow");
    // ztunnel keeps the rule with the values it could read (Envoy, at a waypoint, drops an ALLOW rule instead).
    assert.strictEqual(ports("ports", ["http", "8080"]), "allow");
    assert.strictEqual(atWaypoint({ to: [{ operation: { ports: ["80", "65535"] } }] }), "allow");
    assert.strictEqual(atWaypoint({ to: [{ operation: { ports: ["80", "70000"] } }] }), "deny");
  });

  it("reads the not* forms of a source and names a service account exactly (authorization.go stringToServiceAccountMatch)", () => {
    const extra = [deployment("api", "api-client")];
    const fromOne = (source: Obj, query = Q) =>
      decide([...basics(), ...extra, policy("api", "p", { rules: [from(source)] })], query).verdict;
    assert.strictEqual(fromOne({ notServiceAccounts: ["web/web"] }), "deny");
    assert.strictEqual(fromOne({ notServiceAccounts: ["web/web"] }, "api/api-client -> api.api:80"), "allow");
    // Without a namespace, the account is the policy's namespace's: api/web, not the caller.
    assert.strictEqual(fromOne({ notServiceAccounts: ["web"] }), "allow");
    // istiod quotes the account in Envoy's regex and ztunnel compares it whole: `*` is no pattern here.
    assert.strictEqual(fromOne({ serviceAccounts: ["web/*"] }), "deny");
    // No address is known offline: ipBlocks never match, notIpBlocks always do.
    assert.strictEqual(fromOne({ ipBlocks: ["10.0.0.0/8"] }), "deny");
    assert.strictEqual(fromOne({ notIpBlocks: ["10.0.0.0/8"] }), "allow");
  });

  it("reads the client's address (remoteIpBlocks) at a waypoint only: for ztunnel it is HTTP-only and drops the ALLOW rule", () => {
    assert.strictEqual(atZtunnel({ rules: [from({ notRemoteIpBlocks: ["203.0.113.0/24"] })] }), "deny");
    assert.strictEqual(atWaypoint(from({ notRemoteIpBlocks: ["203.0.113.0/24"] })), "allow");
    assert.strictEqual(atWaypoint(from({ remoteIpBlocks: ["203.0.113.0/24"] })), "deny");
  });

  it("reads a request's JWT as absent: requestPrincipals match no request, notRequestPrincipals every one", () => {
    assert.strictEqual(atWaypoint(from({ requestPrincipals: ["*"] })), "deny");
    assert.strictEqual(atWaypoint(from({ notRequestPrincipals: ["*"] })), "allow");
    // At L4 some request (one with a JWT) may match.
    assert.strictEqual(atWaypointL4(from({ requestPrincipals: ["*"] })), "allow");
  });

  it("matches hosts whatever their case (Istio's HostMatcher ignores case), and the not* forms of an operation", () => {
    const op = (operation: Obj, request = GET) => atWaypoint({ to: [{ operation }] }, request);
    assert.strictEqual(op({ hosts: ["api.api.svc.cluster.local"] }), "allow");
    assert.strictEqual(op({ hosts: ["API.Api.svc.cluster.local"] }), "allow");
    assert.strictEqual(op({ hosts: ["other.example"] }), "deny");
    assert.strictEqual(op({ notHosts: ["Api.api.svc.cluster.local"] }), "deny");
    assert.strictEqual(op({ notHosts: ["other.example"] }), "allow");
    assert.strictEqual(op({ notMethods: ["GET"] }), "deny");
    assert.strictEqual(op({ notMethods: ["GET"] }, { method: "POST", path: "/" }), "allow");
    assert.strictEqual(op({ notPaths: ["/admin"] }), "allow");
    assert.strictEqual(op({ notPaths: ["/admin"] }, { method: "GET", path: "/admin" }), "deny");
  });

  it("reads the L4 `when` keys at ztunnel, values and notValues (authorization.go L556-602)", () => {
    const web = "cluster.local/ns/web/sa/web";
    const cases: [Obj, string][] = [
      [{ key: "source.principal", values: [web] }, "allow"],
      [{ key: "source.principal", notValues: [web] }, "deny"],
      [{ key: "source.namespace", values: ["web"] }, "allow"],
      [{ key: "source.namespace", notValues: ["web"] }, "deny"],
      [{ key: "destination.port", values: ["8080"] }, "allow"],
      [{ key: "destination.port", values: ["80"] }, "deny"],
      [{ key: "destination.port", notValues: ["8080"] }, "deny"],
      [{ key: "source.ip", values: ["10.0.0.1"] }, "deny"],
      [{ key: "source.ip", notValues: ["10.0.0.1"] }, "allow"],
      [{ key: "destination.ip", values: ["10.0.0.1"] }, "deny"],
      [{ key: "destination.ip", notValues: ["10.0.0.1"] }, "allow"],
    ];
    for (const [condition, verdict] of cases)
      assert.strictEqual(atZtunnel({ rules: [when(condition)] }), verdict, JSON.stringify(condition));
  });

  it("reads remote.ip, connection.sni and source.serviceAccount at a waypoint only: ztunnel drops an ALLOW rule with them", () => {
    for (const condition of [
      { key: "remote.ip", notValues: ["203.0.113.1"] },
      { key: "connection.sni", notValues: ["evil.example"] },
      { key: "source.serviceAccount", values: ["web/web"] },
    ]) {
      assert.strictEqual(atZtunnel({ rules: [when(condition)] }), "deny", JSON.stringify(condition));
      assert.strictEqual(atWaypoint(when(condition)), "allow", JSON.stringify(condition));
    }
    // At L4 too: no address or server name is known, so a list of them matches no caller (a request field would).
    for (const key of ["remote.ip", "connection.sni"])
      assert.strictEqual(atWaypointL4(when({ key, values: ["203.0.113.1"] })), "deny", key);
    // Without a namespace, the account is the policy's namespace's (api/web), as in serviceAccounts.
    const webAccount = when({ key: "source.serviceAccount", values: ["web"] });
    assert.strictEqual(atWaypoint(webAccount), "deny");
    assert.strictEqual(
      decide(
        behindWaypoint(policy("api", "allow", { ...TO_WAYPOINT, rules: [webAccount] })),
        "api/web -> api.api:80",
        GET,
      ).verdict,
      "allow",
    );
    assert.strictEqual(atWaypoint(when({ key: "source.serviceAccount", notValues: ["web/web"] })), "deny");
  });

  it("attaches by targetRefs only with the group Istio compares: '' or core for a Service, Gateway API's for a GatewayClass (policyattachment.go matchesGroupKind)", () => {
    const attached = (ref: Obj, ns = "api") =>
      decide(behindWaypoint(allowWeb(), policy(ns, "no-web", { targetRefs: [ref], action: "DENY", rules: [{}] })), Q)
        .verdict === "deny";
    assert.ok(attached({ group: "", kind: "Service", name: "api" }));
    assert.ok(attached({ group: "core", kind: "Service", name: "api" }));
    assert.ok(!attached({ group: "apps", kind: "Service", name: "api" }));
    assert.ok(!attached({ group: "", kind: "Deployment", name: "api" }));
    const gatewayClass = (group: string, name = "istio-waypoint") => ({ group, kind: "GatewayClass", name });
    assert.ok(attached(gatewayClass("gateway.networking.k8s.io"), "istio-system"));
    assert.ok(!attached(gatewayClass(""), "istio-system"));
    assert.ok(!attached(gatewayClass("gateway.networking.k8s.io", "other"), "istio-system"));
  });
});
