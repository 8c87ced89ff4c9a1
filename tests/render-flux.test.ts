import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { parse, parseAllDocuments } from "yaml";
import { findKubectl } from "../render/kubectl";
import { schemaProblems } from "../render/schema-check";
import { fixtureProject, renderCli, snapshot } from "./support/render-project";

// gitopsEngines: which engine each cluster's overlay is written for. Fixture stacks of the test's own.
const APPS = [
  { name: "shop", image: "example/shop:1", port: 8080, waypoint: true, allowFrom: ["cart"] },
  { name: "cart", image: "curlimages/curl:8.11.1", calls: ["shop"] },
];

/** The render's stderr for a project it refuses: exit 2, and no gitops/ written. */
async function refusal(...project: Parameters<typeof fixtureProject>): Promise<string> {
  const bad = fixtureProject(...project);
  try {
    const r = await renderCli(bad);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.ok(!fs.existsSync(path.join(bad, "gitops")), "gitops/ written");
    return r.stderr;
  } finally {
    fs.rmSync(bad, { recursive: true, force: true });
  }
}

describe("render: Argo CD, Flux, or both, per cluster (gitopsEngines)", function () {
  this.timeout(60000);
  let dir: string;
  let tree: Map<string, string>;
  before(async () => {
    dir = fixtureProject({
      east: { apps: APPS },
      west: { apps: APPS, gitopsEngines: ["flux"], gitopsBranch: "release/2026" },
      north: { apps: APPS, gitopsEngines: ["argocd", "flux"] },
    });
    const r = await renderCli(dir);
    assert.strictEqual(r.code, 0, r.stderr);
    tree = snapshot(path.join(dir, "gitops"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const doc = (p: string) => parse(tree.get(p)!) as Record<string, any>;

  it("writes an Application and a tenants ApplicationSet for argocd stacks and a GitRepository and Kustomizations for flux stacks, nothing else", () => {
    const engineFiles = [...tree.keys()].filter((p) => p.startsWith("argocd/") || p.startsWith("flux/"));
    assert.deepStrictEqual(engineFiles, [
      "argocd/applicationset.tenants.yaml",
      "argocd/applicationset.yaml",
      "argocd/east.tenants.yaml",
      "argocd/east.yaml",
      "argocd/north.tenants.yaml",
      "argocd/north.yaml",
      "flux/north/kustomization.yaml",
      "flux/north/source.yaml",
      "flux/north/sync.yaml",
      "flux/north/tenants.yaml",
      "flux/north/tenants/kustomization-flux-system.mesh-lab-north.cart.yaml",
      "flux/north/tenants/kustomization-flux-system.mesh-lab-north.shop.yaml",
      "flux/north/tenants/kustomization.yaml",
      "flux/west/kustomization.yaml",
      "flux/west/source.yaml",
      "flux/west/sync.yaml",
      "flux/west/tenants.yaml",
      "flux/west/tenants/kustomization-flux-system.mesh-lab-west.cart.yaml",
      "flux/west/tenants/kustomization-flux-system.mesh-lab-west.shop.yaml",
      "flux/west/tenants/kustomization.yaml",
    ]);
  });

  it("installs flux/<stack>/ as its kustomization.yaml lists it: the source and two Kustomizations, not tenants/ (real kubectl kustomize)", function () {
    const kubectl = findKubectl(process.env);
    if (kubectl === undefined) {
      console.log("      SKIPPED (flux/<stack>/ built): kubectl is not on PATH (nor $KUBECTL)");
      return this.skip();
    }
    // A file the render did not write beside them is not taken either, as Flux would take it without the list.
    fs.writeFileSync(
      path.join(dir, "gitops", "flux", "west", "stray.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    try {
      const built = execFileSync(kubectl, ["kustomize", path.join(dir, "gitops", "flux", "west")], {
        encoding: "utf8",
      });
      assert.deepStrictEqual(
        parseAllDocuments(built)
          .map((d) => `${String(d.get("kind"))} ${String(d.getIn(["metadata", "name"]))}`)
          .sort(),
        ["GitRepository mesh-lab-west", "Kustomization mesh-lab-west", "Kustomization mesh-lab-west-tenants"],
      );
    } finally {
      fs.rmSync(path.join(dir, "gitops", "flux", "west", "stray.yaml"));
    }
  });

  it("gives each of Flux's tenant units a Kustomization, applied from flux/<stack>/tenants/ by one more", () => {
    const source = doc("flux/west/source.yaml").metadata.name;
    assert.deepStrictEqual(doc("flux/west/tenants.yaml").metadata.name, "mesh-lab-west-tenants");
    assert.deepStrictEqual(doc("flux/west/tenants.yaml").spec.path, "./gitops/flux/west/tenants");
    assert.deepStrictEqual(doc("flux/west/tenants/kustomization.yaml").resources, [
      "kustomization-flux-system.mesh-lab-west.cart.yaml",
      "kustomization-flux-system.mesh-lab-west.shop.yaml",
    ]);
    const shop = doc("flux/west/tenants/kustomization-flux-system.mesh-lab-west.shop.yaml");
    assert.deepStrictEqual([shop.metadata.name, shop.metadata.namespace], ["mesh-lab-west.shop", "flux-system"]);
    assert.deepStrictEqual(shop.spec, {
      interval: "10m",
      path: "./gitops/tenants/west/shop",
      prune: true,
      sourceRef: { kind: "GitRepository", name: source },
    });
    assert.ok(tree.has("tenants/west/shop/kustomization.yaml"));
  });

  it("writes flux/<stack>/tenants/ for a stack with no app too, so its Kustomization has a path to read", async () => {
    const empty = fixtureProject(
      { east: { gitopsEngines: ["flux"] }, west: { gitopsEngines: ["flux"] } },
      { apps: APPS.map((a) => ({ ...a, stacks: ["east"] })) },
    );
    try {
      const r = await renderCli(empty);
      assert.strictEqual(r.code, 0, r.stderr);
      const t = snapshot(path.join(empty, "gitops"));
      assert.strictEqual(parse(t.get("flux/west/tenants.yaml")!).spec.path, "./gitops/flux/west/tenants");
      assert.deepStrictEqual(parse(t.get("flux/west/tenants/kustomization.yaml")!).resources, []);
      assert.ok(![...t.keys()].some((p) => p.startsWith("tenants/west/")));
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("generates one Argo CD Application per tenant unit, in the cluster's own Argo CD and in a central one", () => {
    const own = doc("argocd/east.tenants.yaml");
    assert.deepStrictEqual(own.spec.generators[0].git.directories, [{ path: "gitops/tenants/east/*" }]);
    assert.strictEqual(own.spec.template.metadata.name, "mesh-lab.{{.path.basename}}");
    assert.deepStrictEqual(own.spec.template.spec.destination, { server: "https://kubernetes.default.svc" });
    assert.deepStrictEqual(own.spec.syncPolicy, { preserveResourcesOnDeletion: true });
    const central = doc("argocd/applicationset.tenants.yaml");
    assert.deepStrictEqual(central.spec.generators[0].git.directories, [{ path: "gitops/tenants/*/*" }]);
    assert.strictEqual(central.spec.template.metadata.name, "mesh-lab-{{index .path.segments 2}}.{{.path.basename}}");
    assert.deepStrictEqual(central.spec.template.spec.destination, { name: "{{index .path.segments 2}}" });
    assert.notStrictEqual(central.metadata.name, doc("argocd/applicationset.yaml").metadata.name);
  });

  it("points Flux's Kustomization at the cluster's overlay, from a GitRepository of the branch set", () => {
    const source = doc("flux/west/source.yaml");
    const sync = doc("flux/west/sync.yaml");
    assert.deepStrictEqual(source.spec, {
      interval: "1m",
      url: "https://github.com/example/mesh-lab.git",
      ref: { branch: "release/2026" },
    });
    assert.strictEqual(source.metadata.namespace, "flux-system");
    assert.deepStrictEqual(sync.spec, {
      interval: "10m",
      path: "./gitops/clusters/west",
      prune: true,
      sourceRef: { kind: "GitRepository", name: source.metadata.name },
    });
    assert.ok(tree.has("clusters/west/kustomization.yaml"));
    assert.strictEqual(doc("flux/north/source.yaml").spec.ref.branch, "main");
  });

  it("gives the GitRepository the credentials Secret mesh-lab:fluxSecretRef names, and notes an ssh:// URL without one", async () => {
    const ssh = "ssh://git@github.com/acme/mesh.git";
    const project = fixtureProject({
      keyed: { apps: APPS, gitopsEngines: ["flux"], gitopsRepoUrl: ssh, fluxSecretRef: "mesh-git" },
      // a Secret's name may have dots
      dotted: { apps: APPS, gitopsEngines: ["flux"], gitopsRepoUrl: ssh, fluxSecretRef: "mesh.git-key" },
      keyless: { apps: APPS, gitopsEngines: ["flux"], gitopsRepoUrl: ssh },
      public: { apps: APPS, gitopsEngines: ["flux"] },
    });
    try {
      const r = await renderCli(project);
      assert.strictEqual(r.code, 0, r.stderr);
      const source = (stack: string) =>
        parse(fs.readFileSync(path.join(project, "gitops", "flux", stack, "source.yaml"), "utf8")) as {
          spec: Record<string, unknown>;
        };
      assert.deepStrictEqual(source("keyed").spec.secretRef, { name: "mesh-git" });
      assert.deepStrictEqual(source("dotted").spec.secretRef, { name: "mesh.git-key" });
      assert.match(
        fs.readFileSync(path.join(project, "gitops", "README.md"), "utf8"),
        /^\| `keyed` \| `flux\/keyed\/source\.yaml`.* \| ssh:\/\/git@github\.com\/acme\/mesh\.git \| the Secret `mesh-git` \(its credentials\) \|/m,
      );
      for (const stack of ["keyless", "public"]) assert.ok(!("secretRef" in source(stack).spec), stack);
      assert.match(
        r.stderr,
        /^note: stack keyless: Flux's GitRepository pulls its ssh:\/\/ mesh-lab:gitopsRepoUrl with no credentials and cannot fetch it; set mesh-lab:fluxSecretRef/m,
      );
      assert.doesNotMatch(r.stderr, /stacks? [^:]*\b(keyed|public)\b[^:]*: Flux's GitRepository/);
      // The schema check takes it (Flux's CRD: secretRef.name), and a name Kubernetes cannot take is refused.
      assert.match(
        await refusal({ east: { apps: APPS, gitopsEngines: ["flux"], fluxSecretRef: "Mesh_Git" } }),
        /key "mesh-lab:fluxSecretRef" is "Mesh_Git"; expected a DNS-1123 subdomain/,
      );
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("says what flux bootstrap --path at a stack's Flux directory did, and --check fails on it", async () => {
    const project = fixtureProject({ east: { apps: APPS, gitopsEngines: ["flux"] } });
    try {
      assert.strictEqual((await renderCli(project)).code, 0);
      // given flux bootstrap --path=gitops/flux/east wrote Flux's own files there
      const own = path.join(project, "gitops", "flux", "east", "flux-system");
      fs.mkdirSync(own);
      fs.writeFileSync(path.join(own, "gotk-sync.yaml"), "kind: Kustomization\n");
      const check = await renderCli(project, "--check");
      assert.strictEqual(check.code, 1, check.stderr);
      assert.match(check.stderr, /^ {2}gitops\/flux\/east\/flux-system\/$/m);
      assert.match(check.stderr, /is what `flux bootstrap --path` writes: .* bootstrap at a path of its own/);
      // a stray elsewhere gets no such word
      fs.rmSync(own, { recursive: true });
      fs.writeFileSync(path.join(project, "gitops", "flux", "east", "extra.yaml"), "kind: ConfigMap\n");
      const other = await renderCli(project, "--check");
      assert.strictEqual(other.code, 1, other.stderr);
      assert.doesNotMatch(other.stderr, /flux bootstrap/);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("names mesh-lab:fluxServiceAccount in every Kustomization of the stack that sets it, and in no other", async () => {
    const project = fixtureProject({
      locked: { apps: APPS, gitopsEngines: ["flux"], fluxServiceAccount: "kustomize-controller" },
      open: { apps: APPS, gitopsEngines: ["flux"] },
    });
    try {
      const r = await renderCli(project);
      assert.strictEqual(r.code, 0, r.stderr);
      const accounts = (stack: string) => {
        const dir = path.join(project, "gitops", "flux", stack);
        const files = [
          "sync.yaml",
          "tenants.yaml",
          ...fs
            .readdirSync(path.join(dir, "tenants"))
            .filter((f) => f.startsWith("kustomization-"))
            .map((f) => `tenants/${f}`),
        ];
        return files.map((f) => {
          const doc = parse(fs.readFileSync(path.join(dir, f), "utf8")) as {
            kind: string;
            spec: Record<string, unknown>;
          };
          assert.strictEqual(doc.kind, "Kustomization", f);
          assert.ok(doc.spec !== undefined, f);
          return doc.spec.serviceAccountName;
        });
      };
      const locked = accounts("locked");
      assert.strictEqual(locked.length, 2 + APPS.length);
      assert.deepStrictEqual(new Set(locked), new Set(["kustomize-controller"]));
      assert.deepStrictEqual(new Set(accounts("open")), new Set([undefined]));
      // and gitops/README.md says what each stack's Flux needs in flux-system before it is applied
      const readme = fs.readFileSync(path.join(project, "gitops", "README.md"), "utf8");
      const row = (stack: string) => readme.split("\n").find((l) => l.startsWith(`| \`${stack}\` | \`flux/`)) ?? "";
      assert.match(row("locked"), /\| the ServiceAccount `kustomize-controller` \(applies as it\) \|/);
      assert.match(row("open"), /\| https:\/\/github\.com\/example\/mesh-lab\.git \| nothing \|/);
      // a name Kubernetes cannot take is refused, naming the key
      assert.match(
        await refusal({ east: { apps: APPS, gitopsEngines: ["flux"], fluxServiceAccount: "Kustomize_Controller" } }),
        /key "mesh-lab:fluxServiceAccount" is "Kustomize_Controller"; expected a DNS-1123 subdomain/,
      );
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("keeps from Flux's prune exactly what Argo CD keeps: every Prune=false object is also prune: disabled", () => {
    const manifests = [...tree].filter(
      ([p]) => /^(base|apps|clusters|tenants)\/.*\.yaml$/.test(p) && !p.endsWith("kustomization.yaml"),
    );
    let kept = 0;
    for (const [p, text] of manifests) {
      const annotations =
        (parse(text) as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations ?? {};
      const argo = annotations["argocd.argoproj.io/sync-options"] === "Prune=false";
      const flux = annotations["kustomize.toolkit.fluxcd.io/prune"] === "disabled";
      assert.strictEqual(flux, argo, p);
      if (flux) kept++;
    }
    assert.ok(kept > 0);
  });

  it("keeps every overlay in the ApplicationSet, deletes no objects with an Application it stops generating, and never shares a name with the per-cluster Applications", () => {
    const set = doc("argocd/applicationset.yaml");
    // A stack moved to Flux stays generated: an Application the set stopped generating would be deleted, and with
    // the resources finalizer, its cluster's objects too.
    assert.deepStrictEqual(set.spec.generators[0].git.directories, [{ path: "gitops/clusters/*" }]);
    assert.deepStrictEqual(set.spec.syncPolicy, { preserveResourcesOnDeletion: true });
    const generated = ["east", "north"].map((s) => set.spec.template.metadata.name.replace("{{.path.basename}}", s));
    assert.deepStrictEqual(generated, ["mesh-lab-east", "mesh-lab-north"]);
    const perCluster = ["east", "north"].map((s) => doc(`argocd/${s}.yaml`).metadata.name);
    assert.deepStrictEqual(perCluster, ["mesh-lab", "mesh-lab"]);
    assert.deepStrictEqual(
      generated.filter((n) => perCluster.includes(n)),
      [],
    );
  });

  it("says in the README who applies each unit, with the install command for each engine", () => {
    const readme = tree.get("README.md")!;
    assert.match(readme, /\| `clusters\/west\/` \| .* \| Flux \(`flux\/west\/sync\.yaml`\) on `west` \|/);
    assert.match(
      readme,
      /\| `tenants\/west\/<app>\/` \| 2 units, .* \| Flux \(`flux\/west\/tenants\/`\) on `west`, one unit each \|/,
    );
    assert.match(
      readme,
      /\| `clusters\/north\/` \| .* \| Argo CD \(`argocd\/north\.yaml`\) or Flux \(`flux\/north\/sync\.yaml`\) on `north` \|/,
    );
    assert.match(readme, /^kubectl --context ctx-north apply -k gitops\/flux\/north\/$/m);
    assert.match(
      readme,
      /^kubectl --context ctx-east apply -n argocd -f gitops\/argocd\/east\.yaml -f gitops\/argocd\/east\.tenants\.yaml$/m,
    );
  });

  it("with --stack, writes and checks that stack's Flux files too", async () => {
    fs.rmSync(path.join(dir, "gitops", "flux", "west"), { recursive: true });
    assert.strictEqual((await renderCli(dir, "--check", "--stack", "east")).code, 0);
    assert.strictEqual((await renderCli(dir, "--check", "--stack", "west")).code, 1);
    assert.strictEqual((await renderCli(dir, "--stack", "west")).code, 0);
    assert.deepStrictEqual(snapshot(path.join(dir, "gitops")), tree);
  });

  it("validates the Flux objects against Flux's CRD schemas (a Kustomization without prune is refused)", async () => {
    const { prune: _, ...noPrune } = doc("flux/west/sync.yaml").spec;
    const invalid = { ...doc("flux/west/sync.yaml"), spec: noPrune };
    assert.deepStrictEqual(
      await schemaProblems([{ where: "flux/west/sync.yaml", manifest: doc("flux/west/sync.yaml") }]),
      [],
    );
    const problems = await schemaProblems([{ where: "flux/west/sync.yaml", manifest: invalid }]);
    assert.strictEqual(problems.length, 1);
    assert.match(problems[0], /^flux\/west\/sync\.yaml: .*Kustomization.* is not schema-valid: .*prune/);
  });

  it("refuses, for a Flux stack, a repository address Flux cannot take, naming the key", async () => {
    assert.match(
      await refusal({ east: { apps: APPS, gitopsEngines: ["flux"], gitopsRepoUrl: "git@github.com:acme/mesh.git" } }),
      /key "mesh-lab:gitopsRepoUrl" is "git@github\.com:acme\/mesh\.git"; expected an https:\/\/ or ssh:\/\/ URL where the stack renders for Flux/,
    );
  });

  describe("bad values: exit 2, naming the key, the value and what is allowed", () => {
    const cases: [unknown, string][] = [
      [[], 'key "mesh-lab:gitopsEngines" is []; expected a non-empty list of engines (argocd, flux)'],
      [["jenkins"], 'key "mesh-lab:gitopsEngines[0]" is "jenkins"; expected one of argocd, flux'],
      [["flux", "flux"], 'key "mesh-lab:gitopsEngines" is ["flux","flux"]; expected each engine at most once'],
    ];
    for (const [value, message] of cases) {
      it(`gitopsEngines: ${JSON.stringify(value)}`, async () => {
        const stderr = await refusal({ east: { apps: APPS, gitopsEngines: value } });
        assert.ok(stderr.includes(`stack "east": ${message}`), stderr);
      });
    }
    it("a unit name longer than a label value: the app's key in the project's list, and how long it may be", async () => {
      const [stack, long] = [`eu-${"x".repeat(20)}`, "a".repeat(35)];
      const stderr = await refusal(
        { [stack]: {}, west: {} },
        {
          apps: [
            { name: "web", image: "example/web:1", port: 8080, stacks: ["west"] },
            { name: long, image: "example/app:1", port: 8080 },
          ],
        },
      );
      assert.ok(
        stderr.includes(
          `stack "${stack}": key "mesh-lab:apps[1].name" is "${long}", which names its GitOps unit "mesh-lab-${stack}.${long}" (68 characters); Argo CD and Flux put that name in a label value, at most 63 characters: shorten the app name to at most 30 characters, or the stack name`,
        ),
        stderr,
      );
    });

    it("names of exactly 63 characters pass; a stack name too long for any app is the one to shorten", async () => {
      const web = (name: string) => [{ name, image: "example/web:1", port: 8080 }];
      // mesh-lab-<46>-tenants and mesh-lab-<46>.<7> are 63 characters each
      const fits = "f".repeat(46);
      const ok = fixtureProject({ [fits]: { apps: web("a".repeat(7)), gitopsEngines: ["flux"] } });
      try {
        const r = await renderCli(ok);
        assert.strictEqual(r.code, 0, r.stderr);
      } finally {
        fs.rmSync(ok, { recursive: true, force: true });
      }
      // mesh-lab-<54>. leaves no room for an app name
      const over = "o".repeat(54);
      assert.match(
        await refusal({ [over]: { apps: web("b") } }),
        /\(65 characters\); Argo CD and Flux put that name in a label value, at most 63 characters: shorten the stack name \(Pulumi\.o+\.yaml; pulumi stack rename\)/,
      );
    });

    it("a Flux stack whose tenants Kustomization's name is longer than a label value, and a stack named applicationset", async () => {
      const stack = "s".repeat(50);
      const web = [{ name: "web", image: "example/web:1", port: 8080 }];
      const stderr = await refusal({ [stack]: { apps: web, gitopsEngines: ["flux"] }, applicationset: { apps: web } });
      assert.ok(
        stderr.includes(
          `stack "${stack}": the Flux Kustomization "mesh-lab-${stack}-tenants" has 67 characters; Flux puts its name in a label value, at most 63: shorten the stack name (Pulumi.${stack}.yaml; pulumi stack rename)`,
        ),
        stderr,
      );
      assert.match(
        stderr,
        /stack name "applicationset": its Argo CD file would be gitops\/argocd\/applicationset\.yaml/,
      );
    });

    it("gitopsBranch: ../main", async () => {
      assert.match(
        await refusal({ east: { apps: APPS, gitopsBranch: "../main" } }),
        /key "mesh-lab:gitopsBranch" is "\.\.\/main"; expected a Git branch name/,
      );
    });
  });
});
