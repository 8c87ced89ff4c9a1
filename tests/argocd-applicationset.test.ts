import * as assert from "assert";
import { argoApplication } from "../render/argocd";
import { argoApplicationSet } from "../render/argocd-applicationset";
import { schemaProblems } from "../render/schema-check";
import { STACKS } from "./support/stacks";

const REPO = "https://github.com/example/mesh-lab.git";

/** What Argo CD's git directory generator gives the template for one directory (`path.path`, `path.basename`). */
function instantiate(template: unknown, dir: string): Record<string, unknown> {
  const params: Record<string, string> = { "{{.path.path}}": dir, "{{.path.basename}}": dir.split("/").pop()! };
  const text = JSON.stringify(template).replace(/\{\{[^}]*\}\}/g, (m) => {
    if (!(m in params)) throw new Error(`unknown template parameter ${m}`);
    return params[m];
  });
  return JSON.parse(text) as Record<string, unknown>;
}

describe("Argo CD ApplicationSet over gitops/clusters/* (fleets)", () => {
  it("is schema-valid against @kubernetes-models/argo-cd", async () => {
    assert.deepStrictEqual(await schemaProblems([{ where: "applicationset", manifest: argoApplicationSet(REPO) }]), []);
  });

  it("is refused by the same validation when it is broken (no generators)", async () => {
    const broken = JSON.parse(JSON.stringify(argoApplicationSet(REPO))) as { spec: Record<string, unknown> };
    delete broken.spec.generators;
    const problems = await schemaProblems([{ where: "applicationset", manifest: broken }]);
    assert.strictEqual(problems.length, 1);
    assert.match(problems[0], /ApplicationSet.*mesh-lab-clusters.*not schema-valid/);
  });

  it("generates from every overlay directory, at the given revision, with Go templates that fail on a missing key", () => {
    const set = argoApplicationSet(REPO, { revision: "main" });
    assert.deepStrictEqual(set.spec.generators, [
      { git: { repoURL: REPO, revision: "main", directories: [{ path: "gitops/clusters/*" }] } },
    ]);
    assert.strictEqual(set.spec.goTemplate, true);
    assert.deepStrictEqual(set.spec.goTemplateOptions, ["missingkey=error"]);
    assert.strictEqual(set.spec.template.spec.source!.targetRevision, "main");
  });

  for (const stack of STACKS) {
    it(`${stack}: makes argocd/${stack}.yaml's Application, named mesh-lab-${stack}, sent to the Argo CD cluster named ${stack}`, () => {
      const generated = instantiate(argoApplicationSet(REPO).spec.template, `gitops/clusters/${stack}`) as {
        metadata: unknown;
        spec: Record<string, unknown>;
      };
      const single = argoApplication(stack, REPO) as {
        metadata: { name: string; labels: unknown };
        spec: Record<string, unknown>;
      };
      // Named after the stack, never as the per-cluster Application: both can live in one Argo CD.
      assert.deepStrictEqual(generated.metadata, { name: `mesh-lab-${stack}`, labels: single.metadata.labels });
      assert.notStrictEqual(single.metadata.name, `mesh-lab-${stack}`);
      assert.deepStrictEqual({ ...generated.spec, destination: undefined }, { ...single.spec, destination: undefined });
      assert.deepStrictEqual(generated.spec.destination, { name: stack });
    });
  }
});
