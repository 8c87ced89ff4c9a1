import * as assert from "assert";
import { applyPatch, createPatch } from "rfc6902";
import { KubeManifest, Layer } from "../plan/types";
import { homeOf, Layout, planLayout, StackObjects, Unit } from "../render/placement";
import { KubeObject, kubeObject } from "../render/kube-object";
import { buildKustomization } from "./support/kustomize-model";
import { buildTree, fileNames, literalRegex, stackPart, Tree } from "../render/files";
import { fingerprint, fromYaml } from "../render/yaml";

const PART_OF = { "app.kubernetes.io/part-of": "mesh-lab" };
// The layer the plan gives each kind (plan/mesh-plan.ts); tests of other kinds name theirs.
const LAYER: Record<string, Layer> = {
  Namespace: "base",
  Telemetry: "base",
  AuthorizationPolicy: "cluster",
  Gateway: "cluster",
};
const kubeObjectOf = (manifest: object, app = "", layer?: Layer) => {
  const m = manifest as KubeManifest;
  return kubeObject({ manifest: m, app, layer: layer ?? LAYER[m.kind] ?? "app" });
};
const namespace = (name: string, labels: Record<string, string> = {}) =>
  kubeObjectOf({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { ...PART_OF, ...labels } } }, name);
const telemetry = (ns: string) =>
  kubeObjectOf(
    {
      apiVersion: "telemetry.istio.io/v1",
      kind: "Telemetry",
      metadata: { name: `${ns}-telemetry`, namespace: ns },
      spec: { accessLogging: [{ providers: [{ name: "envoy" }] }] },
    },
    ns,
  );
const deployment = (app: string, replicas = 1) =>
  kubeObjectOf(
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: app, namespace: app },
      spec: { replicas, selector: { matchLabels: { app } } },
    },
    app,
  );
const serviceAccount = (app: string) =>
  kubeObjectOf(
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: app, namespace: app },
      automountServiceAccountToken: false,
    },
    app,
  );
const policy = (ns: string, name: string, spec: Record<string, unknown> = {}) =>
  kubeObjectOf(
    { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name, namespace: ns }, spec },
    ns,
  );
const waypoint = (ns: string) =>
  kubeObjectOf(
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "waypoint", namespace: ns },
      spec: { gatewayClassName: "istio-waypoint" },
    },
    ns,
  );

/** The objects of one app, as MeshApp registers them; `waypointed` adds the waypoint and its label. */
function app(name: string, opts: { waypointed?: boolean; replicas?: number } = {}): KubeObject[] {
  return [
    namespace(name, opts.waypointed ? { "istio.io/use-waypoint": "waypoint" } : {}),
    telemetry(name),
    policy(name, "deny-all"),
    ...(opts.waypointed ? [waypoint(name)] : []),
    serviceAccount(name),
    deployment(name, opts.replicas),
  ];
}

const stack = (name: string, objects: KubeObject[]): StackObjects => ({ stack: name, objects });
const names = (objects: readonly KubeObject[]) =>
  objects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`);

function tree(layout: Layout): Tree {
  return buildTree(layout, {
    argocd: new Map(layout.stacks.map((s) => [s, { kind: "Application", stack: s }])),
    readme: "readme\n",
  });
}

/** A stack's unit for `app` (undefined: the cluster unit). */
function unitOf(layout: Layout, stackName: string, appName?: string): Unit {
  const u = layout.clusters.get(stackName)!.units.find((x) => x.app === appName);
  assert.ok(u, `${stackName} has no unit for ${appName ?? "the cluster"}`);
  return u;
}

/**
 * What every rendered tree must satisfy: each kustomization references only files and directories that exist,
 * every file is referenced, and each stack's units build, together, to exactly its stack's objects, each object
 * in exactly one unit (the unit of its app, or the cluster unit).
 */
function assertSound(t: Tree, stacks: readonly StackObjects[]): void {
  const referenced = new Set<string>();
  for (const [file, text] of t) {
    if (!file.endsWith("/kustomization.yaml")) continue;
    const dir = file.slice(0, -"/kustomization.yaml".length);
    const k = fromYaml(text) as { resources: string[]; patches?: { path: string }[] };
    for (const r of k.resources) {
      const ref = new URL(r, `file:///${dir}/`).pathname.slice(1);
      assert.ok(t.has(ref) || t.has(`${ref}/kustomization.yaml`), `${file} references ${r}, which does not exist`);
      referenced.add(t.has(ref) ? ref : `${ref}/kustomization.yaml`);
    }
    for (const p of k.patches ?? []) {
      assert.ok(t.has(`${dir}/${p.path}`), `${file} references patch ${p.path}, which does not exist`);
      referenced.add(`${dir}/${p.path}`);
    }
  }
  const unitFile = /^(clusters\/[^/]+|tenants\/[^/]+\/[^/]+)\/kustomization.yaml$/;
  for (const file of t.keys()) {
    if (file === "README.md" || file.startsWith("argocd/") || unitFile.test(file)) continue;
    assert.ok(referenced.has(file), `${file} is referenced by no kustomization`);
  }
  for (const s of stacks) {
    const units = [...t.keys()]
      .filter((f) => unitFile.test(f) && f.split("/")[1] === s.stack)
      .map((f) => f.slice(0, -"/kustomization.yaml".length));
    const built = units.flatMap((dir) =>
      buildKustomization(t, dir).map((m) => {
        const o = s.objects.find((x) => fingerprint(x.manifest) === fingerprint(m));
        assert.ok(o, `${dir} builds an object its stack does not plan so: ${JSON.stringify(m).slice(0, 200)}`);
        assert.strictEqual(dir, o.app ? `tenants/${s.stack}/${o.app}` : `clusters/${s.stack}`, `${o.key} is in ${dir}`);
        return fingerprint(m);
      }),
    );
    assert.deepStrictEqual(
      built.sort(),
      s.objects.map((o) => fingerprint(o.manifest)).sort(),
      `${s.stack}'s units do not build to its objects, each once`,
    );
  }
}

const body = (t: Tree, file: string) => t.get(file)!.replace(/^#.*\n/gm, "");

describe("render: layout of the GitOps tree", () => {
  it("puts an app's namespace and telemetry in base/<app>, its workload in apps/<app>, its policies in each cluster's unit of the app, and patches nothing when stacks agree", () => {
    // given two stacks with the same objects
    const stacks = ["cluster-1", "cluster-2"].map((s) =>
      stack(s, [...app("accounts", { waypointed: true }), ...app("finance")]),
    );
    // when the tree is planned
    const layout = planLayout(stacks);
    // then
    // (objects are ordered by apiVersion, kind, namespace, name)
    assert.deepStrictEqual([...layout.base.keys()], ["accounts", "finance"]);
    assert.deepStrictEqual(names(layout.base.get("accounts")!), [
      "Telemetry accounts/accounts-telemetry",
      "Namespace accounts",
    ]);
    assert.deepStrictEqual([...layout.apps.keys()], ["accounts", "finance"]);
    assert.deepStrictEqual(names(layout.apps.get("accounts")!), [
      "Deployment accounts/accounts",
      "ServiceAccount accounts/accounts",
    ]);
    for (const c of layout.clusters.values()) {
      assert.deepStrictEqual(
        c.units.map((u) => [u.dir, u.includes, u.patches.length]),
        [
          [`clusters/${c.stack}`, [], 0],
          [`tenants/${c.stack}/accounts`, ["base/accounts", "apps/accounts"], 0],
          [`tenants/${c.stack}/finance`, ["base/finance", "apps/finance"], 0],
        ],
      );
      assert.deepStrictEqual(names(unitOf(layout, c.stack, "accounts").objects), [
        "Gateway accounts/waypoint",
        "AuthorizationPolicy accounts/deny-all",
      ]);
      assert.deepStrictEqual(names(unitOf(layout, c.stack).objects), []);
    }
    const t = tree(layout);
    assertSound(t, stacks);
    assert.strictEqual(
      body(t, "tenants/cluster-1/accounts/kustomization.yaml"),
      [
        "",
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        "  - ../../../base/accounts",
        "  - ../../../apps/accounts",
        "  - authorizationpolicy-accounts.deny-all.yaml",
        "  - gateway-accounts.waypoint.yaml",
        "",
      ].join("\n"),
    );
    assert.strictEqual(
      body(t, "clusters/cluster-1/kustomization.yaml"),
      ["", "apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources: []", ""].join("\n"),
    );
  });

  it("writes an object whose content differs once, with a JSON patch in the unit of the stack that differs", () => {
    // given cluster-2 without a waypoint for accounts and with 2 finance replicas
    const stacks = [
      stack("cluster-1", [...app("accounts", { waypointed: true }), ...app("finance")]),
      stack("cluster-2", [...app("accounts"), ...app("finance", { replicas: 2 })]),
    ];
    const layout = planLayout(stacks);
    // then the shared copies are cluster-1's (a tie goes to the first stack), and cluster-2's units patch them
    assert.deepStrictEqual(
      layout.base.get("accounts")!.find((o) => o.name === "accounts")!.manifest,
      namespace("accounts", { "istio.io/use-waypoint": "waypoint" }).manifest,
    );
    assert.deepStrictEqual(
      layout.clusters.get("cluster-1")!.units.flatMap((u) => u.patches),
      [],
    );
    assert.deepStrictEqual(
      layout.clusters
        .get("cluster-2")!
        .units.flatMap((u) => u.patches.map((p) => [u.dir, p.target.kind, p.target.name, p.ops])),
      [
        [
          "tenants/cluster-2/accounts",
          "Namespace",
          "accounts",
          [{ op: "remove", path: "/metadata/labels/istio.io~1use-waypoint" }],
        ],
        ["tenants/cluster-2/finance", "Deployment", "finance", [{ op: "replace", path: "/spec/replicas", value: 2 }]],
      ],
    );
    // and the waypoint, which only cluster-1 has, is only in cluster-1's unit of accounts
    assert.deepStrictEqual(names(unitOf(layout, "cluster-2", "accounts").objects), [
      "AuthorizationPolicy accounts/deny-all",
    ]);
    const t = tree(layout);
    assertSound(t, stacks);
    assert.strictEqual(
      body(t, "tenants/cluster-2/finance/kustomization.yaml"),
      [
        "",
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        "  - ../../../base/finance",
        "  - ../../../apps/finance",
        "  - authorizationpolicy-finance.deny-all.yaml",
        "patches:",
        "  - path: patches/deployment-finance.finance.yaml",
        "    target:",
        "      group: apps",
        "      version: v1",
        "      kind: Deployment",
        "      namespace: finance",
        "      name: finance",
        "",
      ].join("\n"),
    );
    assert.strictEqual(
      body(t, "tenants/cluster-2/accounts/patches/namespace-accounts.yaml"),
      "\n- op: remove\n  path: /metadata/labels/istio.io~1use-waypoint\n",
    );
  });

  it("lists a unit's patches in path order, not in the order of the objects' keys", () => {
    // given cluster-2's accounts differing twice: no waypoint label on its namespace, and another access log
    const otherLog = kubeObjectOf(
      { ...telemetry("accounts").manifest, spec: { accessLogging: [{ providers: [{ name: "otel" }] }] } },
      "accounts",
    );
    const stacks = [
      stack("cluster-1", app("accounts", { waypointed: true })),
      stack("cluster-2", [...app("accounts").filter((o) => o.kind !== "Telemetry"), otherLog]),
    ];
    const layout = planLayout(stacks);
    // (by key, telemetry.istio.io/v1 comes before v1)
    assert.deepStrictEqual(
      unitOf(layout, "cluster-2", "accounts").patches.map((p) => p.target.kind),
      ["Telemetry", "Namespace"],
    );
    // then the kustomization names them as their files sort
    const t = tree(layout);
    assertSound(t, stacks);
    const k = fromYaml(body(t, "tenants/cluster-2/accounts/kustomization.yaml")) as { patches: { path: string }[] };
    assert.deepStrictEqual(
      k.patches.map((p) => p.path),
      ["patches/namespace-accounts.yaml", "patches/telemetry-accounts.accounts-telemetry.yaml"],
    );
  });

  it("shares the content most stacks have", () => {
    const stacks = [
      stack("a", app("accounts", { replicas: 5 })),
      stack("b", app("accounts")),
      stack("c", app("accounts")),
    ];
    const layout = planLayout(stacks);
    assert.strictEqual(
      (layout.apps.get("accounts")!.find((o) => o.kind === "Deployment")!.manifest.spec as { replicas: number })
        .replicas,
      1,
    );
    assert.deepStrictEqual(
      ["a", "b", "c"].map((s) => unitOf(layout, s, "accounts").patches.length),
      [1, 0, 0],
    );
    assertSound(tree(layout), stacks);
  });

  it("puts an app that runs in some clusters only in apps/<app>, included by those clusters' units alone, and its namespace in their units", () => {
    const stacks = [stack("cluster-1", app("accounts")), stack("cluster-2", [...app("accounts"), ...app("reports")])];
    const layout = planLayout(stacks);
    assert.deepStrictEqual(
      layout.clusters.get("cluster-1")!.units.map((u) => u.dir),
      ["clusters/cluster-1", "tenants/cluster-1/accounts"],
    );
    assert.deepStrictEqual(unitOf(layout, "cluster-2", "reports").includes, ["apps/reports"]);
    assert.deepStrictEqual(names(layout.apps.get("reports")!), [
      "Deployment reports/reports",
      "ServiceAccount reports/reports",
    ]);
    assert.ok(!layout.base.has("reports"));
    assert.deepStrictEqual(names(unitOf(layout, "cluster-2", "reports").objects), [
      "AuthorizationPolicy reports/deny-all",
      "Telemetry reports/reports-telemetry",
      "Namespace reports",
    ]);
    const t = tree(layout);
    assertSound(t, stacks);
    // --stack cluster-1 covers what its units read, not the other app
    const part = stackPart(layout, "cluster-1");
    assert.deepStrictEqual(
      [...t.keys()].filter(part).filter((p) => p.startsWith("apps/")),
      [
        "apps/accounts/deployment-accounts.accounts.yaml",
        "apps/accounts/kustomization.yaml",
        "apps/accounts/serviceaccount-accounts.accounts.yaml",
      ],
    );
    assert.ok(![...t.keys()].filter(part).some((p) => p.startsWith("tenants/cluster-2/")));
  });

  it("puts what belongs to no app in the cluster unit, never in a shared directory", () => {
    const dashboard = kubeObjectOf(
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "mesh-dashboard", namespace: "monitoring" } },
      undefined,
      "base",
    );
    const stacks = ["x", "y"].map((s) => stack(s, [...app("accounts"), { ...dashboard, app: undefined }]));
    const layout = planLayout(stacks);
    assert.deepStrictEqual(names(unitOf(layout, "x").objects), ["ConfigMap monitoring/mesh-dashboard"]);
    assert.deepStrictEqual([...layout.base.keys()], ["accounts"]);
    assertSound(tree(layout), stacks);
  });

  it("files an object under the layer the plan gives it, whatever its kind", () => {
    const job = kubeObjectOf(
      { apiVersion: "batch/v1", kind: "Job", metadata: { name: "check", namespace: "accounts" } },
      "accounts",
      "app",
    );
    const netpol = kubeObjectOf(
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "np", namespace: "accounts" } },
      "accounts",
      "cluster",
    );
    const crb = kubeObjectOf(
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "reader" } },
      "accounts",
      "base",
    );
    assert.deepStrictEqual([homeOf(job), homeOf(netpol), homeOf(crb)], ["app:accounts", "cluster", "base"]);
    const stacks = ["x", "y"].map((s) => stack(s, [...app("accounts"), job, netpol, crb]));
    assertSound(tree(planLayout(stacks)), stacks);
  });

  it("names files <kind>-<namespace>.<name>.yaml, with the apiVersion only when two kinds share a name", () => {
    const istioGateway = kubeObjectOf(
      { apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: "waypoint", namespace: "accounts" } },
      "accounts",
    );
    const layout = planLayout([stack("s", [namespace("accounts"), waypoint("accounts"), istioGateway])]);
    assert.deepStrictEqual([...fileNames(layout).values()].sort(), [
      "gateway.gateway.networking.k8s.io_v1-accounts.waypoint.yaml",
      "gateway.networking.istio.io_v1-accounts.waypoint.yaml",
      "namespace-accounts.yaml",
    ]);
    assert.strictEqual(literalRegex("a.b-c"), "a\\.b-c");
  });
});

describe("render: JSON patches (rfc6902) on the shapes the plan has", () => {
  const pairs: [string, unknown, unknown][] = [
    [
      "a label added, one removed, one changed (keys with / and ~)",
      { metadata: { labels: { a: "1", "x/y": "2" } } },
      { metadata: { labels: { a: "3", "b~c": "4" } } },
    ],
    [
      "a list of the same length, item by item",
      { rules: [{ from: ["a"] }, { from: ["b"] }] },
      { rules: [{ from: ["a"] }, { from: ["c"] }] },
    ],
    ["a list that grew", { ports: [1] }, { ports: [1, 2] }],
    ["a type change", { spec: {} }, { spec: [] }],
    ["nothing", { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }],
  ];
  for (const [what, from, to] of pairs) {
    it(`turns one document into the other: ${what}`, () => {
      const doc = structuredClone(from);
      assert.deepStrictEqual(
        applyPatch(doc, createPatch(from, to)).filter((r) => r !== null),
        [],
      );
      assert.deepStrictEqual(doc, to);
    });
  }
});
