import * as assert from "assert";
import { AccessEvaluator } from "../access/evaluate";
import { readMesh } from "../access/model";
import { basics, brief, decide, deployment, namespace, policy, service, TO_WAYPOINT } from "./support/access-mesh";

// What the destination's ztunnel decides. Each case pins the lines of istio/istio 1.28.0 (istiod's conversion,
// pilot/pkg/serviceregistry/kube/controller/ambient/) or istio/ztunnel 1.28.0 it comes from; docs/access.md
// explains the rules. The same files are unchanged from 1.26.0 for the lines cited.
const Q = "web/web -> api.api:80";

describe("access: the destination ztunnel", () => {
  it("allows when no policy applies, denies behind an ALLOW policy that matches nothing (ztunnel state.rs:L585-604)", () => {
    assert.strictEqual(brief(decide(basics(), Q)), "allow ztunnel []");
    // spec: {} is an ALLOW policy without rules, which never matches (ztunnel rbac.rs:L99-102).
    assert.strictEqual(brief(decide([...basics(), policy("api", "deny-all", {})], Q)), "deny ztunnel [api/deny-all]");
  });

  it("allows everyone with rules: [{}], an empty rule that matches everything (authorization.go:L549, rbac.rs:L105-108)", () => {
    const objects = [...basics(), policy("api", "deny-all", {}), policy("api", "all", { rules: [{}] })];
    assert.strictEqual(brief(decide(objects, Q)), "allow ztunnel [api/all]");
  });

  it("applies a DENY before any ALLOW (state.rs:L573-584)", () => {
    const objects = [
      ...basics(),
      policy("api", "all", { rules: [{}] }),
      policy("api", "no-web", { action: "DENY", rules: [{ from: [{ source: { namespaces: ["web"] } }] }] }),
    ];
    assert.strictEqual(brief(decide(objects, Q)), "deny ztunnel [api/no-web]");
  });

  it("applies a root-namespace policy everywhere, and one with a selector to matching pods of any namespace (authorization.go:L404-411, workloads.go:L1017-1018)", () => {
    assert.strictEqual(
      brief(decide([...basics(), policy("istio-system", "nothing", {})], Q)),
      "deny ztunnel [istio-system/nothing]",
    );
    const selecting = (app: string) => policy("istio-system", "sel", { selector: { matchLabels: { app } } });
    assert.strictEqual(decide([...basics(), selecting("api")], Q).verdict, "deny");
    assert.strictEqual(decide([...basics(), selecting("other")], Q).verdict, "allow");
  });

  it("applies a namespace's policy only to its own workloads, and a selector only to pods it matches", () => {
    assert.strictEqual(decide([...basics(), policy("web", "nothing", {})], Q).verdict, "allow");
    const sel = (matchLabels: Record<string, string>) => policy("api", "sel", { selector: { matchLabels } });
    assert.strictEqual(decide([...basics(), sel({ app: "api" })], Q).verdict, "deny");
    assert.strictEqual(decide([...basics(), sel({ app: "api", tier: "x" })], Q).verdict, "allow");
    // A selector that names no label selects no pod in ambient (workloads.go:L1018 wants a label selector).
    assert.strictEqual(decide([...basics(), policy("api", "sel", { selector: {} })], Q).verdict, "allow");
  });

  it("ignores policies with targetRefs, AUDIT, CUSTOM and dry-run ones (authorization.go:L398-402, L412-424; policies.go:L171-174)", () => {
    for (const p of [
      policy("api", "p", { ...TO_WAYPOINT }),
      policy("api", "p", { action: "AUDIT", rules: [{}] }),
      policy("api", "p", { action: "CUSTOM", provider: { name: "ext" }, rules: [{}] }),
      policy("api", "p", {}, { "istio.io/dry-run": "true" }),
    ])
      assert.strictEqual(brief(decide([...basics(), p], Q)), "allow ztunnel []", JSON.stringify(p));
    // A dry-run value ParseBool rejects leaves the policy enforced.
    assert.strictEqual(decide([...basics(), policy("api", "p", {}, { "istio.io/dry-run": "yes" })], Q).verdict, "deny");
  });

  it("drops an ALLOW rule with an HTTP field: it never allows (authorization.go:L577-581)", () => {
    const allow = (rule: Record<string, unknown>) => [...basics(), policy("api", "p", { rules: [rule] })];
    const from = { from: [{ source: { namespaces: ["web"] } }] };
    assert.strictEqual(decide(allow(from), Q).verdict, "allow");
    assert.strictEqual(decide(allow({ ...from, to: [{ operation: { methods: ["GET"] } }] }), Q).verdict, "deny");
    assert.strictEqual(
      decide(allow({ ...from, when: [{ key: "request.headers[x]", values: ["1"] }] }), Q).verdict,
      "deny",
    );
    assert.strictEqual(
      decide(allow({ from: [{ source: { namespaces: ["web"], requestPrincipals: ["*"] } }] }), Q).verdict,
      "deny",
    );
  });

  it("keeps a DENY rule's L4 part; an entry or condition that was only HTTP never matches (authorization.go:L515-576, rbac.rs:L113-117, L163-165)", () => {
    const deny = (rule: Record<string, unknown>) => [
      ...basics(),
      policy("api", "d", { action: "DENY", rules: [rule] }),
    ];
    // Only HTTP in `to`: the entry is empty, its clause never matches, nor does the rule.
    assert.strictEqual(decide(deny({ to: [{ operation: { methods: ["GET"] } }] }), Q).verdict, "allow");
    assert.strictEqual(
      decide(deny({ from: [{ source: { namespaces: ["web"] } }], to: [{ operation: { paths: ["/x"] } }] }), Q).verdict,
      "allow",
    );
    assert.strictEqual(decide(deny({ when: [{ key: "request.headers[x]", values: ["1"] }] }), Q).verdict, "allow");
    // HTTP next to a port: the port stays, so the rule denies every request to it.
    assert.strictEqual(decide(deny({ to: [{ operation: { ports: ["8080"], methods: ["GET"] } }] }), Q).verdict, "deny");
    // A sibling entry with an L4 field still matches (the clause is any of its entries).
    const either = { to: [{ operation: { methods: ["GET"] } }, { operation: { ports: ["8080"] } }] };
    assert.strictEqual(decide(deny(either), Q).verdict, "deny");
  });

  it("matches ports against the pod's target port, not the Service port (ztunnel inbound.rs:L562-592, state.rs:L323-362)", () => {
    const onPort = (port: string) => [
      ...basics(),
      policy("api", "p", { rules: [{ to: [{ operation: { ports: [port] } }] }] }),
    ];
    assert.strictEqual(decide(onPort("8080"), Q).verdict, "allow");
    assert.strictEqual(decide(onPort("80"), Q).verdict, "deny");
    // A named port is dropped by istiod (authorization.go:L648-658): the entry is empty and never matches.
    assert.strictEqual(decide(onPort("http"), Q).verdict, "deny");
  });

  it("matches principals and namespaces exactly, by prefix*, *suffix or * (authorization.go:L604-627, rbac.rs:L264-283)", () => {
    const fromPrincipal = (p: string) => [
      ...basics(),
      policy("api", "p", { rules: [{ from: [{ source: { principals: [p] } }] }] }),
    ];
    for (const [pattern, verdict] of [
      ["cluster.local/ns/web/sa/web", "allow"],
      ["cluster.local/ns/web/*", "allow"],
      ["*/sa/web", "allow"],
      ["*", "allow"],
      ["spiffe://cluster.local/ns/web/sa/web", "deny"],
      ["cluster.local/ns/web/sa/other", "deny"],
    ])
      assert.strictEqual(decide(fromPrincipal(pattern), Q).verdict, verdict, pattern);
  });

  it("reads a serviceAccounts entry without a namespace as one of the policy's namespace (authorization.go:L629-646)", () => {
    const fromAccounts = (accounts: string[]) => [
      ...basics(),
      deployment("api", "api-client"),
      policy("api", "p", { rules: [{ from: [{ source: { serviceAccounts: accounts } }] }] }),
    ];
    assert.strictEqual(decide(fromAccounts(["web/web"]), Q).verdict, "allow");
    assert.strictEqual(decide(fromAccounts(["web"]), Q).verdict, "deny");
    assert.strictEqual(decide(fromAccounts(["api-client"]), "api/api-client -> api.api:80").verdict, "allow");
  });

  it("sees no identity from a caller outside the mesh: identity fields fail, their not* forms hold (inbound_passthrough.rs:L144-155, rbac.rs:L86-98)", () => {
    const objects = [
      ...basics().filter((o) => o.kind !== "Namespace" || (o.metadata as { name: string }).name !== "web"),
      namespace("web", {}),
    ];
    const only = (source: Record<string, unknown>) => [
      ...objects,
      policy("api", "p", { rules: [{ from: [{ source }] }] }),
    ];
    assert.strictEqual(decide(only({ namespaces: ["web"] }), Q).verdict, "deny");
    assert.strictEqual(decide(only({ principals: ["*"] }), Q).verdict, "deny");
    assert.strictEqual(decide(only({ notNamespaces: ["web"] }), Q).verdict, "allow");
    assert.strictEqual(decide(only({ notPrincipals: ["*"] }), Q).verdict, "allow");
  });

  it("leaves pods outside the mesh to no proxy: enforcedBy none (istio-cni values.yaml:L59-66, enablement_selector.go:L76-89)", () => {
    const outside = [
      namespace("api", {}),
      namespace("web"),
      deployment("api", "api"),
      service("api", "api"),
      deployment("web", "web"),
    ];
    assert.strictEqual(brief(decide([...outside, policy("api", "deny-all", {})], Q)), "allow none []");
    // In an ambient namespace, a pod labelled dataplane-mode none opts out; a pod labelled ambient opts in anywhere.
    const optOut = [
      namespace("api"),
      namespace("web"),
      deployment("api", "api", { labels: { "istio.io/dataplane-mode": "none" } }),
    ];
    assert.strictEqual(
      decide([...optOut, service("api", "api"), deployment("web", "web"), policy("api", "x", {})], Q).enforcedBy,
      "none",
    );
    const optIn = [
      namespace("api", {}),
      namespace("web"),
      deployment("api", "api", { labels: { "istio.io/dataplane-mode": "ambient" } }),
    ];
    assert.strictEqual(
      decide([...optIn, service("api", "api"), deployment("web", "web"), policy("api", "x", {})], Q).enforcedBy,
      "ztunnel",
    );
  });

  it("judges a Service's pods the manifests do not hold as pods with its selector's labels and the default account", () => {
    const chartOnly = [namespace("api"), namespace("web"), service("api", "api"), deployment("web", "web")];
    assert.strictEqual(
      decide([...chartOnly, policy("api", "x", { selector: { matchLabels: { app: "api" } } })], Q).verdict,
      "deny",
    );
  });

  it("reads `selector:` with no value as no selector, namespace-wide (authorization.go:L405-406)", () => {
    assert.strictEqual(decide([...basics(), policy("api", "p", { selector: null })], Q).verdict, "deny");
  });

  it("parses ports as numbers: 08080 is 8080", () => {
    const objects = [...basics(), policy("api", "p", { rules: [{ to: [{ operation: { ports: ["08080"] } }] }] })];
    assert.strictEqual(decide(objects, Q).verdict, "allow");
  });

  it("allows a caller only when every workload behind the Service lets it in: a request may land on any pod", () => {
    const two = [...basics(), deployment("api", "api-canary", { sa: "api", labels: { app: "api", track: "canary" } })];
    const canaryOnly = policy("api", "canary", { selector: { matchLabels: { track: "canary" } } });
    assert.strictEqual(brief(decide([...two, canaryOnly], Q)), "deny ztunnel [api/canary]");
    assert.strictEqual(decide(two, Q).verdict, "allow");
  });

  it("leaves a pod with a sidecar to the sidecar: outside the ambient mesh (enablement_selector.go:L76-89)", () => {
    const injected = [
      ...basics().filter((o) => o.kind !== "Namespace" || (o.metadata as { name: string }).name !== "api"),
      namespace("api", { "istio.io/dataplane-mode": "ambient", "istio-injection": "enabled" }),
      policy("api", "deny-all", {}),
    ];
    assert.strictEqual(decide(injected, Q).enforcedBy, "none");
  });

  it("counts a service account once as a caller, as the mesh sees it when some of its pods are in it", () => {
    const objects = [
      ...basics(),
      namespace("mixed", {}),
      deployment("mixed", "out", { sa: "shared" }),
      deployment("mixed", "in", { sa: "shared", labels: { "istio.io/dataplane-mode": "ambient" } }),
    ];
    const callers = new AccessEvaluator(readMesh(objects)).callers().filter((c) => c.namespace === "mixed");
    assert.deepStrictEqual(callers, [{ namespace: "mixed", serviceAccount: "shared", inMesh: true }]);
  });
});
