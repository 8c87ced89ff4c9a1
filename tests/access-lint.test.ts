import * as assert from "assert";
import { AccessEvaluator } from "../access/evaluate";
import { lintMesh } from "../access/lint";
import { readMesh } from "../access/model";
import { basics, namespace, Obj, policy, service, TO_WAYPOINT, waypoint } from "./support/access-mesh";

// `npm run access -- --lint`: policies that do not do what they look like. One case per finding, on manifests
// built here; the messages name the object and what the proxies will really do.
const lint = (objects: readonly Obj[]) =>
  lintMesh(new AccessEvaluator(readMesh(structuredClone(objects)))).map((w) => `${w.object}: ${w.message}`);

/** api behind its waypoint, with the policies mesh-lab writes for it: clean. */
function behindWaypoint(...extra: Obj[]): Obj[] {
  return [
    ...basics().filter((o) => o.kind !== "Namespace" || (o.metadata as { name: string }).name !== "api"),
    namespace("api", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" }),
    waypoint("api"),
    policy("api", "deny-all", {}),
    policy("api", "allow-web", { ...TO_WAYPOINT, rules: [{ from: [{ source: { namespaces: ["web"] } }] }] }),
    policy("api", "allow-waypoint", {
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/api/sa/waypoint"] } }] }],
    }),
    ...extra,
  ];
}

describe("access lint", () => {
  it("finds nothing in policies that do what they look like", () => {
    assert.deepStrictEqual(lint(behindWaypoint()), []);
    assert.deepStrictEqual(lint([...basics(), policy("api", "deny-all", {})]), []);
  });

  it("warns of HTTP fields in a policy ztunnel enforces, saying what istiod makes of ALLOW and of DENY", () => {
    const http = { to: [{ operation: { methods: ["GET"], paths: ["/x"] } }] };
    assert.deepStrictEqual(lint([...basics(), policy("api", "get", { rules: [http] })]), [
      "AuthorizationPolicy api/get: rules[0] has HTTP fields (methods, paths) but the policy has no targetRefs: ztunnel enforces it and sees no HTTP; istiod drops the rule for ztunnel, so it never allows anything. Attach it to a waypoint with targetRefs",
    ]);
    const [deny] = lint([
      ...basics(),
      policy("api", "no", { action: "DENY", rules: [{ when: [{ key: "request.headers[x]", values: ["1"] }] }] }),
    ]);
    assert.match(
      deny,
      /rules\[0\] has HTTP fields \(when request\.headers\[x\]\).*a DENY entry left with no L4 field never matches/,
    );
  });

  it("warns of targetRefs to a Service without a waypoint, or a Gateway that is not one: enforced nowhere", () => {
    const toService = policy("api", "p", { targetRefs: [{ group: "", kind: "Service", name: "api" }], rules: [{}] });
    assert.deepStrictEqual(lint([...basics(), toService]), [
      "AuthorizationPolicy api/p: targetRefs names Service api/api, which uses no waypoint: only a waypoint enforces targetRefs policies, so this one applies nowhere",
    ]);
    assert.deepStrictEqual(lint([...basics(), policy("api", "p", { ...TO_WAYPOINT, rules: [{}] })]), [
      "AuthorizationPolicy api/p: targetRefs names Gateway api/waypoint, which is not a waypoint in the manifests: the policy applies nowhere",
    ]);
  });

  it("warns of targetRefs a waypoint attaches to nothing: a group or kind istiod does not compare equal, another GatewayClass", () => {
    const refs = (ns: string, ...targetRefs: Obj[]) =>
      lint([...behindWaypoint(policy(ns, "p", { targetRefs, rules: [{}] }))]);
    // What attaches: the waypoint's Gateway, the Service (group "" or core), GatewayClass istio-waypoint from the root.
    assert.deepStrictEqual(
      refs("api", { ...TO_WAYPOINT.targetRefs[0] }, { group: "core", kind: "Service", name: "api" }),
      [],
    );
    assert.deepStrictEqual(
      refs("istio-system", { group: "gateway.networking.k8s.io", kind: "GatewayClass", name: "istio-waypoint" }),
      [],
    );
    assert.deepStrictEqual(refs("api", { group: "apps", kind: "Service", name: "api" }), [
      'AuthorizationPolicy api/p: targetRefs names Service api of group "apps": a waypoint attaches a policy only to a Gateway or the GatewayClass (group gateway.networking.k8s.io), a Service (group "" or core) or a ServiceEntry (networking.istio.io), so this targetRef applies nowhere',
    ]);
    assert.deepStrictEqual(refs("api", { group: "", kind: "Gateway", name: "waypoint" }).length, 1);
    const gatewayClass = { group: "gateway.networking.k8s.io", kind: "GatewayClass" };
    assert.deepStrictEqual(refs("api", { ...gatewayClass, name: "istio-waypoint" }), [
      "AuthorizationPolicy api/p: targetRefs names GatewayClass istio-waypoint: only GatewayClass istio-waypoint, from the root namespace istio-system, attaches a policy to every waypoint, so this targetRef applies nowhere",
    ]);
    assert.deepStrictEqual(refs("istio-system", { ...gatewayClass, name: "istio" }).length, 1);
  });

  it("names every HTTP-only field istiod finds for ztunnel, and no L4 one (authorization.go L469-509, L556-592)", () => {
    const rule = {
      from: [
        { source: { requestPrincipals: ["*"], notRequestPrincipals: ["x"], namespaces: ["web"] } },
        { source: { remoteIpBlocks: ["10.0.0.0/8"], notRemoteIpBlocks: ["10.1.0.0/16"], ipBlocks: ["10.2.0.0/16"] } },
      ],
      to: [
        { operation: { hosts: ["a"], notHosts: ["b"], methods: ["GET"], ports: ["8080"] } },
        { operation: { notMethods: ["PUT"], paths: ["/x"], notPaths: ["/y"], notPorts: ["9090"] } },
      ],
      when: [
        ...["source.ip", "source.namespace", "source.principal", "destination.ip", "destination.port"].map((key) => ({
          key,
          values: ["1"],
        })),
        { key: "request.auth.claims[iss]", values: ["x"] },
      ],
    };
    const [warning] = lint([...basics(), policy("api", "p", { action: "DENY", rules: [rule] })]);
    assert.match(
      warning,
      /^AuthorizationPolicy api\/p: rules\[0\] has HTTP fields \(requestPrincipals, notRequestPrincipals, remoteIpBlocks, notRemoteIpBlocks, hosts, notHosts, methods, notMethods, paths, notPaths, when request\.auth\.claims\[iss\]\) but/,
    );
  });

  it("warns of a destination policy that blocks its own waypoint", () => {
    const objects = behindWaypoint().filter((o) => (o.metadata as { name: string }).name !== "allow-waypoint");
    assert.deepStrictEqual(lint(objects), [
      "Service api/api: port 80: the ztunnel of Deployment api/api denies the Service's own waypoint (cluster.local/ns/api/sa/waypoint) by api/deny-all: every request through the waypoint is refused. Allow that principal in the workload's policies",
    ]);
  });

  it("warns of a caller check on the pods behind a waypoint, where ztunnel only ever sees the waypoint", () => {
    const podLevel = policy("api", "web-only", {
      selector: { matchLabels: { app: "api" } },
      rules: [{ from: [{ source: { namespaces: ["web"] } }] }],
    });
    assert.ok(
      lint(behindWaypoint(podLevel)).includes(
        "AuthorizationPolicy api/web-only: selects Deployment api/api, behind waypoint api/waypoint: ztunnel sees the waypoint's identity there, never the callers this policy names, so it allows none of them. Attach it to the waypoint with targetRefs",
      ),
    );
  });

  it("warns of targetRefs to a Service the manifests do not hold, and judges a caller check on every port", () => {
    assert.deepStrictEqual(
      lint([
        ...basics(),
        policy("api", "p", { targetRefs: [{ group: "", kind: "Service", name: "gone" }], rules: [{}] }),
      ]),
      [
        "AuthorizationPolicy api/p: targetRefs names Service api/gone, which is not a Service with a selector in the manifests: the policy applies nowhere",
      ],
    );
    // A pod-level allow that lets the waypoint in on the second port only is not a caller check that blocks it.
    const twoPorts = behindWaypoint(
      policy("api", "wp-on-9090", {
        selector: { matchLabels: { app: "api" } },
        rules: [
          {
            from: [{ source: { principals: ["cluster.local/ns/api/sa/waypoint"] } }],
            to: [{ operation: { ports: ["9090"] } }],
          },
        ],
      }),
    ).map((o) =>
      o.kind === "Service"
        ? service("api", "api", {
            ports: [
              { name: "http", port: 80, targetPort: 8080 },
              { name: "http-admin", port: 90, targetPort: 9090 },
            ],
          })
        : o,
    );
    assert.ok(
      !lint(twoPorts).some((w) => w.startsWith("AuthorizationPolicy api/wp-on-9090: selects")),
      lint(twoPorts).join("\n"),
    );
  });

  it("warns of a Service whose waypoint label names no waypoint: its traffic goes to the pods directly", () => {
    const objects = [
      ...basics().filter((o) => o.kind !== "Service"),
      service("api", "api", { labels: { "istio.io/use-waypoint": "gone" } }),
    ];
    assert.deepStrictEqual(lint(objects), [
      "Service api/api: uses waypoint api/gone, which is not a Gateway of class istio-waypoint here: its traffic goes to the pods directly",
    ]);
  });

  it("warns of CUSTOM policies and empty selectors, and not of dry-run policies, which nothing enforces", () => {
    assert.deepStrictEqual(
      lint([...basics(), policy("api", "ext", { action: "CUSTOM", provider: { name: "opa" }, rules: [{}] })]),
      [
        "AuthorizationPolicy api/ext: CUSTOM: ztunnel does not enforce CUSTOM (istiod authorization.go L412-424), and without targetRefs no waypoint does",
      ],
    );
    assert.match(lint([...basics(), policy("api", "p", { selector: {} })]).join("\n"), /its selector names no label/);
    const dry = policy(
      "api",
      "p",
      { rules: [{ to: [{ operation: { methods: ["GET"] } }] }] },
      { "istio.io/dry-run": "true" },
    );
    assert.deepStrictEqual(lint([...basics(), dry]), []);
  });
});
