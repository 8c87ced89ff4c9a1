import * as assert from "assert";
import fc from "fast-check";
import { buildPlan } from "../plan/mesh-plan";
import { buildTree, Tree } from "../render/files";
import { kubeObjects } from "../render/kube-object";
import { planLayout, StackObjects } from "../render/placement";
import { fingerprint, fromYaml } from "../render/yaml";
import { fixtureSettings } from "./support/fixtures";
import { buildKustomization } from "./support/kustomize-model";

// Bounded in `npm test` (fixed seed, FC_RUNS runs, a time cap); `FC_RUNS=1000 npx mocha tests/layout-properties.test.ts`
// explores more, and FC_SEED replays a failure fast-check printed.
const RUNS = Number(process.env.FC_RUNS ?? 25);
const SEED = Number(process.env.FC_SEED ?? 20261124);
const PARAMS = { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false };

const POOL = ["alpha", "beta", "gamma", "delta"];

/** One stack: which of the pool's apps it serves, and how each differs; whether a client calls them; the waypoint switch. */
const stackArb = fc.record({
  waypoints: fc.boolean(),
  podSecurity: fc.constantFrom("baseline", "restricted"),
  apps: fc.subarray(POOL, { minLength: 1 }).chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.record({
          name: fc.constant(name),
          waypoint: fc.boolean(),
          replicas: fc.integer({ min: 0, max: 3 }),
          global: fc.boolean(),
          port: fc.constantFrom(8080, 9090),
        }),
      ),
    ),
  ),
  client: fc.boolean(),
});

const fleetArb = fc.array(stackArb, { minLength: 1, maxLength: 4 });

type StackSpec = typeof stackArb extends fc.Arbitrary<infer T> ? T : never;

// The properties over fleetArb share a seed, so they see the same fleets: each fleet's stacks and tree are computed
// once (plans and trees are pure functions of the specs), and checked by every property.
const stacksMemo = new Map<string, StackObjects>();
function stackObjects(spec: StackSpec, i: number): StackObjects {
  const key = JSON.stringify([spec, i]);
  if (!stacksMemo.has(key)) stacksMemo.set(key, computeStackObjects(spec, i));
  return stacksMemo.get(key)!;
}
const ids = new Map<StackObjects, number>();
const treeMemo = new Map<string, Tree>();
function treeOf(stacks: readonly StackObjects[]): Tree {
  for (const s of stacks) if (!ids.has(s)) ids.set(s, ids.size);
  const key = stacks.map((s) => ids.get(s)).join(",");
  if (!treeMemo.has(key)) treeMemo.set(key, computeTree(stacks));
  return treeMemo.get(key)!;
}

/** The settings of one generated stack, through parseSettings like any stack file. */
function computeStackObjects(spec: StackSpec, i: number): StackObjects {
  const served = spec.apps.map((a) => ({
    ...a,
    image: "nginx:1.27",
    ...(spec.client ? { allowFrom: ["client"] } : {}),
  }));
  const apps = spec.client
    ? [...served, { name: "client", image: "curlimages/curl:8.11.1", calls: served.map((a) => a.name) }]
    : served;
  const stack = `cluster-${i + 1}`;
  const settings = fixtureSettings(
    apps,
    { clusterName: stack, waypoints: String(spec.waypoints), podSecurity: spec.podSecurity },
    stack,
  );
  return { stack, objects: kubeObjects(buildPlan(settings).objects) };
}

function computeTree(stacks: readonly StackObjects[]): Tree {
  const layout = planLayout(stacks);
  return buildTree(layout, {
    argocd: new Map(stacks.map((s) => [s.stack, { kind: "Application" }])),
    readme: "readme\n",
  });
}

const prints = (objects: readonly { manifest?: unknown }[] | readonly Record<string, unknown>[]) =>
  objects.map((o) => fingerprint(("manifest" in o ? o.manifest : o) as Record<string, unknown>)).sort();
const keyOf = (m: Record<string, unknown>) => {
  const meta = m.metadata as { name: string; namespace?: string };
  return `${String(m.apiVersion)}|${String(m.kind)}|${meta.namespace ?? ""}|${meta.name}`;
};

describe(`render layout properties (fast-check, ${RUNS} runs, seed ${SEED})`, () => {
  it("each stack's units build, together, to exactly its stack's objects", () => {
    fc.assert(
      fc.property(fleetArb, (specs) => {
        const stacks = specs.map(stackObjects);
        const tree = treeOf(stacks);
        for (const s of stacks) {
          const units = [...tree.keys()].filter(
            (f) =>
              f === `clusters/${s.stack}/kustomization.yaml` ||
              new RegExp(`^tenants/${s.stack}/[^/]+/kustomization.yaml$`).test(f),
          );
          const built = units.flatMap((f) => buildKustomization(tree, f.slice(0, -"/kustomization.yaml".length)));
          assert.deepStrictEqual(prints(built), prints(s.objects), s.stack);
        }
      }),
      PARAMS,
    );
  });

  it("lists the tree's files in path order (code units), so writes, manifests and diffs come in one order", () => {
    fc.assert(
      fc.property(fleetArb, (specs) => {
        const paths = [...treeOf(specs.map(stackObjects)).keys()];
        for (let i = 1; i < paths.length; i++) assert.ok(paths[i - 1] < paths[i], `${paths[i - 1]} before ${paths[i]}`);
      }),
      PARAMS,
    );
  });

  it("shared layers hold only what every stack that uses them has, and only stacks that run an app include it", () => {
    fc.assert(
      fc.property(fleetArb, (specs) => {
        const stacks = specs.map(stackObjects);
        const tree = treeOf(stacks);
        const keys = new Map(stacks.map((s) => [s.stack, new Set(s.objects.map((o) => o.key))]));
        const runs = (stack: string, app: string) =>
          stacks.find((s) => s.stack === stack)!.objects.some((o) => o.app === app);
        for (const [file, text] of tree) {
          const unit = /^tenants\/([^/]+)\/([^/]+)\/kustomization.yaml$/.exec(file);
          if (!unit) continue;
          const [, stack, app] = unit;
          const k = fromYaml(text) as { resources: string[] };
          for (const layer of k.resources.filter((r) => r.startsWith("../../../"))) {
            const dir = layer.slice("../../../".length);
            assert.ok(dir === `apps/${app}` || dir === `base/${app}`, `${file} includes ${dir}, another app's`);
            if (dir.startsWith("apps/")) assert.ok(runs(stack, app), `${stack} includes ${dir} but does not run it`);
            for (const m of buildKustomization(tree, dir))
              assert.ok(keys.get(stack)!.has(keyOf(m)), `${dir} holds ${keyOf(m)}, which ${stack} does not have`);
          }
        }
        // and base/<app> is used by every stack, so it holds only what all of them have
        for (const file of tree.keys()) {
          const base = /^(base\/[^/]+)\/kustomization.yaml$/.exec(file)?.[1];
          if (base === undefined) continue;
          for (const m of buildKustomization(tree, base))
            for (const s of stacks)
              assert.ok(keys.get(s.stack)!.has(keyOf(m)), `${base} holds ${keyOf(m)}, not in ${s.stack}`);
        }
      }),
      PARAMS,
    );
  });

  it("a shared copy is the content most stacks have, so the fewest overlays carry a patch", () => {
    fc.assert(
      fc.property(fleetArb, (specs) => {
        const stacks = specs.map(stackObjects);
        const layout = planLayout(stacks);
        for (const shared of [...layout.base.values(), ...layout.apps.values()].flat()) {
          const counts = new Map<string, number>();
          for (const s of stacks) {
            const mine = s.objects.find((o) => o.key === shared.key);
            if (mine) counts.set(fingerprint(mine.manifest), (counts.get(fingerprint(mine.manifest)) ?? 0) + 1);
          }
          const chosen = counts.get(fingerprint(shared.manifest)) ?? 0;
          assert.ok(
            [...counts.values()].every((c) => c <= chosen),
            `${shared.key}: a more common version exists than the shared one`,
          );
        }
      }),
      PARAMS,
    );
  });

  it("stacks that agree share everything: no patch, no object written in a unit but the policies and waypoints", () => {
    fc.assert(
      fc.property(stackArb, fc.integer({ min: 2, max: 3 }), (spec, n) => {
        const stacks = Array.from({ length: n }, () => stackObjects(spec, 0)).map((s, i) => ({
          ...s,
          stack: `cluster-${i + 1}`,
        }));
        const tree = treeOf(stacks);
        for (const path of tree.keys()) {
          assert.ok(!path.includes("/patches/"), `${path}: identical stacks need no patch`);
          const m =
            (path.startsWith("clusters/") || path.startsWith("tenants/")) && !path.endsWith("kustomization.yaml")
              ? (fromYaml(tree.get(path)!) as { kind: string })
              : undefined;
          if (m)
            assert.ok(
              ["AuthorizationPolicy", "Gateway"].includes(m.kind),
              `${path} (${m.kind}) is in a unit though every stack has it alike`,
            );
        }
      }),
      PARAMS,
    );
  });
});
