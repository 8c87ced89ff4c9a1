import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { MANIFEST_GENERATE_PATHS } from "../render/argocd";
import { CLIENT, WEB } from "./support/fixtures";
import { findKubectl } from "./support/kube-api";
import { fixtureProject, renderCli } from "./support/render-project";
import { kustomizeDir } from "./support/units";
import { fingerprint } from "../render/yaml";

const { kubectl, why } = findKubectl();

/**
 * The repository paths Argo CD compares between commits for an Application with `annotation` whose source path is
 * `sourcePath`, as argoproj/argo-cd v3.5.1 `util/app/path/path.go` `GetSourceRefreshPaths` reads it: `;`-separated,
 * trimmed, empty ones skipped, an absolute one from the repository root, a relative one joined to the source path.
 */
function refreshPaths(annotation: string, sourcePath: string): string[] {
  return annotation
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => (p.startsWith("/") ? p.slice(1) : path.posix.normalize(path.posix.join(sourcePath, p))));
}

interface Template {
  metadata: { annotations?: Record<string, string> };
  spec: { source: { path: string } };
}

/** An ApplicationSet's template for the Git directory `dir`, with the path parameters this tree's templates use. */
function templateFor(file: string, dir: string): Template {
  const set = parse(fs.readFileSync(file, "utf8")) as { spec: { template: Template } };
  const text = JSON.stringify(set.spec.template)
    .replaceAll("{{.path.basename}}", path.posix.basename(dir))
    .replaceAll("{{.path.path}}", dir)
    .replace(/\{\{index \.path\.segments (\d+)\}\}/g, (_, i: string) => dir.split("/")[Number(i)]);
  assert.doesNotMatch(text, /\{\{/, "a template parameter this test does not substitute");
  return JSON.parse(text) as Template;
}

describe("Argo CD's manifest-generate-paths on tenant units: each unit builds from those paths alone", function () {
  this.timeout(120000);
  let root: string;
  let alone: string;
  before(async function () {
    if (!kubectl) {
      console.log(`      SKIPPED (manifest-generate-paths, real kustomize): ${why}`);
      this.skip();
    }
    // Apps on every stack and on one, a stack that changes an app (a patch in its unit), a caller.
    root = fixtureProject(
      { east: { appOverrides: { web: { replicas: 3 } } }, west: {} },
      {
        apps: [
          WEB,
          { ...WEB, name: "api", waypoint: false, allowFrom: ["client"], stacks: ["west"] },
          { ...CLIENT, calls: ["web"] },
        ],
      },
    );
    const r = await renderCli(root);
    assert.strictEqual(r.code, 0, r.stderr);
    alone = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-argocd-paths-"));
  });
  after(() => {
    for (const d of [root, alone]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  const cases = [
    { set: "east.tenants.yaml", stack: "east" },
    { set: "west.tenants.yaml", stack: "west" },
    { set: "applicationset.tenants.yaml", stack: "west" },
  ];
  for (const { set, stack } of cases) {
    it(`argocd/${set}: every ${stack} tenant unit, built from a copy of only its annotated paths, is the same`, () => {
      const tenants = fs.readdirSync(path.join(root, "gitops", "tenants", stack)).sort();
      assert.ok(tenants.length >= 2, tenants.join(", "));
      for (const app of tenants) {
        const dir = `gitops/tenants/${stack}/${app}`;
        const template = templateFor(path.join(root, "gitops", "argocd", set), dir);
        assert.strictEqual(template.spec.source.path, dir);
        const annotation = template.metadata.annotations?.[MANIFEST_GENERATE_PATHS];
        assert.ok(annotation, `${set} has no ${MANIFEST_GENERATE_PATHS}`);
        // Only what Argo CD watches for this Application, copied where it sits in the repository.
        const copy = path.join(alone, set, app);
        for (const p of refreshPaths(annotation, dir)) {
          if (fs.existsSync(path.join(root, p))) fs.cpSync(path.join(root, p), path.join(copy, p), { recursive: true });
        }
        const full = kustomizeDir(kubectl!, path.join(root, dir)).map(fingerprint).sort();
        const fromPaths = kustomizeDir(kubectl!, path.join(copy, dir)).map(fingerprint).sort();
        assert.ok(full.length > 0, `${dir} builds to nothing`);
        assert.deepStrictEqual(fromPaths, full, `${dir} reads a file outside ${annotation}`);
      }
    });
  }

  it("does not watch the whole tree: another app's files are outside a unit's paths", () => {
    const dir = "gitops/tenants/west/api";
    const paths = refreshPaths(
      templateFor(path.join(root, "gitops", "argocd", "west.tenants.yaml"), dir).metadata.annotations![
        MANIFEST_GENERATE_PATHS
      ],
      dir,
    );
    assert.deepStrictEqual(paths, [dir, "gitops/base/api", "gitops/apps/api"]);
  });
});
