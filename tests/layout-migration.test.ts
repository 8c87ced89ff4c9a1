import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { allDocuments, fingerprint } from "../render/yaml";
import { findKubectl } from "./support/kube-api";
import { renderCli, snapshot } from "./support/render-project";
import { generatorMatches as match, kustomizeUnits, unitDirsOnDisk } from "./support/units";

// A tree rendered before the units (one overlay per cluster, clusters/<stack>/), moved to units by rendering over
// it. tests/fixtures/layout-v1 holds a project (two clusters that differ: a patch, an app only one runs, SLO
// rules, both engines) and the tree mesh-lab rendered from it at 4279d08, the last commit before the units.
const FIXTURE = path.join(__dirname, "fixtures", "layout-v1");
const STACKS = ["east", "west"];
const { kubectl, why } = findKubectl();

/**
 * An object as the fixture's program (4279d08) rendered it: since then each app's deny-all carries the keep marks
 * (kept on delete with the workload it guards), an update in place of the same object.
 */
function asAt4279d08(o: Record<string, unknown>): Record<string, unknown> {
  const meta = o.metadata as { name?: string; annotations?: Record<string, string> };
  if (o.kind !== "AuthorizationPolicy" || meta.name !== "deny-all") return o;
  const annotations = { ...meta.annotations };
  delete annotations["argocd.argoproj.io/sync-options"];
  delete annotations["kustomize.toolkit.fluxcd.io/prune"];
  return { ...o, metadata: { ...meta, annotations } };
}

describe("moving a tree of one overlay per cluster to units (docs/gitops.md, Moving to units)", function () {
  this.timeout(120000);
  let dir: string;
  let prior: Map<string, string>;
  let rendered: Map<string, string>;
  let stderr: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-migrate-"));
    fs.cpSync(path.join(FIXTURE, "project"), dir, { recursive: true });
    fs.cpSync(path.join(FIXTURE, "gitops"), path.join(dir, "gitops"), { recursive: true });
    prior = snapshot(path.join(dir, "gitops"));
    const r = await renderCli(dir);
    assert.strictEqual(r.code, 0, r.stderr);
    stderr = r.stderr;
    rendered = snapshot(path.join(dir, "gitops"));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the units in place of the old overlays' object files, and says to follow the move before pushing", () => {
    assert.match(
      stderr,
      /note: this tree moves the objects of east, west from gitops\/clusters\/<stack>\/ into one unit per app/,
    );
    assert.match(stderr, /docs\/gitops\.md, "Moving to units"/);
    for (const stack of STACKS) {
      const old = [...prior.keys()].filter(
        (p) => p.startsWith(`clusters/${stack}/`) && !p.endsWith("/kustomization.yaml"),
      );
      assert.ok(old.length > 0);
      for (const p of old) assert.ok(!rendered.has(p), `${p} is still there`);
    }
    assert.ok(!rendered.has("base/kustomization.yaml"));
    assert.ok([...rendered.keys()].some((p) => p.startsWith("tenants/east/batch/")));
  });

  it("keeps each cluster's Application, GitRepository and Kustomization byte for byte: same names, same paths", () => {
    for (const file of [
      "argocd/east.yaml",
      "argocd/west.yaml",
      "argocd/applicationset.yaml",
      "flux/east/source.yaml",
      "flux/east/sync.yaml",
    ])
      assert.strictEqual(rendered.get(file), prior.get(file), file);
  });

  it("says nothing of a move once the tree has its units", async () => {
    const again = await renderCli(dir);
    assert.strictEqual(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /moves the objects/);
  });

  describe("with the real kubectl kustomize", () => {
    before(function () {
      if (!kubectl) {
        console.log(`      SKIPPED (layout migration builds): ${why}`);
        this.skip();
      }
    });

    for (const stack of STACKS) {
      it(`${stack}: every object of the old overlay is in exactly one unit, with the same identity and content`, () => {
        const old = allDocuments(
          execFileSync(kubectl!, ["kustomize", path.join(FIXTURE, "gitops", "clusters", stack)], { encoding: "utf8" }),
        ) as Record<string, unknown>[];
        const units = kustomizeUnits(kubectl!, path.join(dir, "gitops"), stack).map(asAt4279d08);
        assert.ok(old.length > 10);
        // Same fingerprints (identity and content) and as many: nothing renamed (so recreated), dropped or doubled.
        assert.deepStrictEqual(units.map(fingerprint).sort(), old.map(fingerprint).sort());
      });
    }
  });

  it("puts each unit under an engine object that applies it to the same cluster as its old overlay", () => {
    const doc = (p: string) => parse(rendered.get(p)!) as Record<string, any>;
    for (const stack of STACKS) {
      const tenants = unitDirsOnDisk(path.join(dir, "gitops"), stack).slice(1);
      assert.ok(tenants.length > 0);
      // Argo CD in the cluster: its tenants ApplicationSet generates one Application per unit dir, in-cluster.
      const set = doc(`argocd/${stack}.tenants.yaml`);
      const pattern = set.spec.generators[0].git.directories[0].path as string;
      for (const t of tenants) assert.ok(match(pattern, `gitops/${t}`), `${pattern} misses ${t}`);
      assert.ok(!match(pattern, `gitops/tenants/${STACKS.find((s) => s !== stack)}/web`));
      assert.strictEqual(set.spec.template.spec.destination.server, "https://kubernetes.default.svc");
    }
    // Flux (east only): one Kustomization per unit, from the cluster's own GitRepository.
    const source = doc("flux/east/source.yaml").metadata.name;
    const tenants = unitDirsOnDisk(path.join(dir, "gitops"), "east").slice(1);
    assert.deepStrictEqual(
      tenants.map(
        (t) => doc(`flux/east/tenants/kustomization-flux-system.mesh-lab-east.${path.basename(t)}.yaml`).spec,
      ),
      tenants.map((t) => ({
        interval: "10m",
        path: `./gitops/${t}`,
        prune: true,
        sourceRef: { kind: "GitRepository", name: source },
      })),
    );
    assert.strictEqual(doc("flux/east/tenants.yaml").spec.path, "./gitops/flux/east/tenants");
  });
});
