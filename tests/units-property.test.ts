import * as assert from "assert";
import fc from "fast-check";
import * as fs from "fs";
import { parse } from "yaml";
import { Tree } from "../render/files";
import { renderProject } from "../render/pipeline";
import { fingerprint } from "../render/yaml";
import { buildKustomization } from "./support/kustomize-model";
import { fixtureProject } from "./support/render-project";
import { generatorMatches as matches } from "./support/units";

// The tree's contract with Argo CD and Flux, on generated fleets larger than any fixture: every object a stack
// plans lands in exactly one unit, and the engine objects the render writes apply that unit to that stack's cluster,
// and to no other. Engines are read from the rendered files (paths, generator patterns, Go templates), as Argo CD and
// Flux read them. FC_RUNS and FC_SEED as in layout-properties.test.ts.
const RUNS = Number(process.env.FC_RUNS ?? 4);
const SEED = Number(process.env.FC_SEED ?? 20261206);

const fleetArb = fc.record({
  stacks: fc.array(fc.constantFrom<string[]>(["argocd"], ["flux"], ["argocd", "flux"]), { minLength: 2, maxLength: 3 }),
  apps: fc.array(
    fc.record({
      waypoint: fc.boolean(),
      onlyFirst: fc.boolean(),
      replicasOnSecond: fc.option(fc.integer({ min: 2, max: 3 })),
    }),
    { minLength: 30, maxLength: 80 },
  ),
  observability: fc.boolean(),
});

/** An ApplicationSet template string for one generated directory, with the parameters mesh-lab's templates use. */
function instantiate(template: string, dir: string): string {
  const segments = dir.split("/");
  return template
    .replace(/\{\{\.path\.basename\}\}/g, segments[segments.length - 1])
    .replace(/\{\{\.path\.path\}\}/g, dir)
    .replace(/\{\{index \.path\.segments (\d+)\}\}/g, (_, i: string) => segments[Number(i)]);
}

/** Per route (an engine set-up a team may run), the cluster each unit is applied to, unit path to stack. */
function routes(tree: Tree, stacks: readonly string[]): Map<string, Map<string, string>> {
  const doc = (p: string) => parse(tree.get(p)!) as Record<string, any>;
  const units = [...tree.keys()]
    .filter((f) => /^(clusters\/[^/]+|tenants\/[^/]+\/[^/]+)\/kustomization\.yaml$/.test(f))
    .map((f) => `gitops/${f.slice(0, -"/kustomization.yaml".length)}`);
  const out = new Map<string, Map<string, string>>();
  const add = (route: string, unit: string, stack: string) => {
    if (!out.has(route)) out.set(route, new Map());
    assert.ok(!out.get(route)!.has(unit), `${route} applies ${unit} twice`);
    out.get(route)!.set(unit, stack);
  };
  for (const stack of stacks) {
    // Argo CD in each cluster: its Application and its ApplicationSet, installed in that cluster (in-cluster server).
    if (tree.has(`argocd/${stack}.yaml`)) {
      const app = doc(`argocd/${stack}.yaml`);
      assert.strictEqual(app.spec.destination.server, "https://kubernetes.default.svc");
      add(`argocd in ${stack}`, app.spec.source.path, stack);
      const set = doc(`argocd/${stack}.tenants.yaml`);
      assert.strictEqual(set.spec.template.spec.destination.server, "https://kubernetes.default.svc");
      for (const unit of units.filter((u) => matches(set.spec.generators[0].git.directories[0].path, u)))
        add(`argocd in ${stack}`, instantiate(set.spec.template.spec.source.path, unit), stack);
    }
    // Flux in each cluster: the cluster unit's Kustomization, and one per file of flux/<stack>/tenants/.
    if (tree.has(`flux/${stack}/sync.yaml`)) {
      add(`flux in ${stack}`, doc(`flux/${stack}/sync.yaml`).spec.path.slice(2), stack);
      // The Kustomization of flux/<stack>/tenants applies what its kustomization.yaml lists.
      const dir = doc(`flux/${stack}/tenants.yaml`).spec.path.slice("./gitops/".length);
      for (const f of doc(`${dir}/kustomization.yaml`).resources as string[])
        add(`flux in ${stack}`, doc(`${dir}/${f}`).spec.path.slice(2), stack);
    }
  }
  // One central Argo CD: its two ApplicationSets, each Application for the cluster its template names.
  for (const file of ["argocd/applicationset.yaml", "argocd/applicationset.tenants.yaml"]) {
    const set = doc(file);
    for (const unit of units.filter((u) => matches(set.spec.generators[0].git.directories[0].path, u)))
      add(
        "central argocd",
        instantiate(set.spec.template.spec.source.path, unit),
        instantiate(set.spec.template.spec.destination.name, unit),
      );
  }
  return out;
}

describe(`units and the engines that apply them (fast-check, ${RUNS} runs, seed ${SEED})`, function () {
  this.timeout(300000);
  it("every object a stack plans is in exactly one unit that each engine set-up applies to that stack's cluster", async () => {
    await fc.assert(
      fc.asyncProperty(fleetArb, async (g) => {
        const stacks = g.stacks.map((_, i) => `c${i + 1}`);
        const apps = g.apps.map((a, i) => ({
          name: `app-${i}`,
          image: "example/app:1",
          port: 8080,
          waypoint: a.waypoint,
          ...(i > 0 ? { allowFrom: [`app-${i - 1}`] } : {}),
          ...(a.onlyFirst && i > 0 ? { stacks: [stacks[0]] } : {}),
        }));
        // an app that the first stack alone runs cannot be allowed from by one that runs elsewhere: only allow
        // from an app that runs wherever this one does
        for (const [i, app] of apps.entries())
          if (i > 0 && apps[i - 1].stacks && !app.stacks) delete (app as { allowFrom?: string[] }).allowFrom;
        const dir = fixtureProject(
          Object.fromEntries(
            stacks.map((s, i) => [
              s,
              {
                gitopsEngines: g.stacks[i],
                ...(g.observability && i === 0 ? { observability: { deploy: "rules" } } : {}),
                ...(i === 1
                  ? {
                      appOverrides: Object.fromEntries(
                        g.apps.flatMap((a, j) =>
                          a.replicasOnSecond !== null && !apps[j].stacks
                            ? [[`app-${j}`, { replicas: a.replicasOnSecond }]]
                            : [],
                        ),
                      ),
                    }
                  : {}),
              },
            ]),
          ),
          { apps },
        );
        try {
          const { tree, stacks: planned } = await renderProject(dir);
          const built = new Map<string, string[]>();
          const buildOf = (unit: string) => {
            if (!built.has(unit))
              built.set(unit, buildKustomization(tree, unit.slice("gitops/".length)).map(fingerprint));
            return built.get(unit)!;
          };
          const all = routes(tree, stacks);
          assert.ok(all.has("central argocd"));
          for (const s of planned) {
            const want = s.objects.map((o) => fingerprint(o.manifest)).sort();
            for (const [route, units] of all) {
              if (route !== "central argocd" && !route.endsWith(` ${s.stack}`)) continue;
              const got = [...units].filter(([, stack]) => stack === s.stack).flatMap(([unit]) => buildOf(unit));
              assert.deepStrictEqual(got.sort(), want, `${route}: what it applies to ${s.stack}`);
            }
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
