import { createPatch, Operation } from "rfc6902";
import { KubeObject } from "./kube-object";
import { fingerprint } from "./yaml";

/** One stack's objects, as the program registers them. */
export interface StackObjects {
  readonly stack: string;
  readonly objects: readonly KubeObject[];
}

/** A shared object's difference in one stack: JSON patch operations from the shared copy to that stack's. */
export interface Patch {
  /** The shared copy the operations apply to. */
  readonly target: KubeObject;
  readonly ops: readonly Operation[];
}

/**
 * One directory Argo CD or Flux applies as a whole: a tenant unit (`tenants/<stack>/<app>/`, everything of one app
 * in one cluster) or the cluster unit (`clusters/<stack>/`, what belongs to no app). Each is built on its own, so
 * no build grows with the number of tenants.
 */
export interface Unit {
  readonly stack: string;
  /** The tenant (app) it holds; undefined for the cluster unit. */
  readonly app?: string;
  /** Its directory in the tree: `tenants/<stack>/<app>` or `clusters/<stack>`. */
  readonly dir: string;
  /** The shared directories it includes (`base/<app>`, `apps/<app>`, `observability/<stack>`), in this order. */
  readonly includes: readonly string[];
  /** Objects written in full in the unit: only in this stack (or only in some), or policies. */
  readonly objects: readonly KubeObject[];
  readonly patches: readonly Patch[];
}

export interface ClusterOverlay {
  readonly stack: string;
  /** The cluster unit first, then one unit per tenant, by app name. */
  readonly units: readonly Unit[];
  /** Its SLO rules and dashboard, written to `observability/<stack>/` (they name the cluster, so never shared). */
  readonly observability: readonly KubeObject[];
}

/** Where every object of every stack goes. Pure: no files, no YAML. */
export interface Layout {
  readonly stacks: readonly string[];
  /** Per app, its objects every cluster has (namespace, Telemetry): `base/<app>/`. */
  readonly base: ReadonlyMap<string, readonly KubeObject[]>;
  /** Per app, its workload every cluster that runs it has: `apps/<app>/`. */
  readonly apps: ReadonlyMap<string, readonly KubeObject[]>;
  readonly clusters: ReadonlyMap<string, ClusterOverlay>;
}

/**
 * The unit an object of a stack goes to: the unit of its app, or the cluster unit for what belongs to no app and
 * for the observability layer (SLO rules name an app but are the cluster's, in `observability/<stack>/`).
 */
export function unitOf(stack: string, o: Pick<KubeObject, "app" | "layer">): string {
  return unitDir(stack, o.layer === "observability" ? undefined : o.app);
}

/** The directory of a stack's unit for `app` (undefined: the cluster unit). */
export function unitDir(stack: string, app: string | undefined): string {
  return app === undefined ? `clusters/${stack}` : `tenants/${stack}/${app}`;
}

/**
 * The layer an object belongs to when every stack that could have it has it, as the plan says: `base` for
 * what is mesh-wide (namespaces, telemetry), `cluster` for policies and the waypoint, `app:<name>` for the
 * rest of an app.
 */
export function homeOf(o: KubeObject): string {
  return o.layer === "app" ? `app:${o.app}` : o.layer;
}

function sortObjects(list: KubeObject[]): KubeObject[] {
  return list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Plans the tree for all stacks at once, since where an object goes depends on every stack:
 * - an object in every stack of its layer's scope goes to that layer once (`base/<app>/`: all stacks;
 *   `apps/<app>/`: the stacks that run the app). Its content is the one most stacks have (ties: the first
 *   stack's); each stack whose content differs gets a JSON patch in its unit.
 * - an object only some of those stacks have, and every policy, is written in full in each unit that has it.
 * - each stack's objects are split into units: one per app (the objects the app's component registers), and the
 *   cluster unit for the rest (the observability layer).
 */
export function planLayout(stacks: readonly StackObjects[]): Layout {
  const names = stacks.map((s) => s.stack);
  const versions = new Map<string, Map<string, KubeObject>>();
  const observability = new Map<string, KubeObject[]>(names.map((n) => [n, []]));
  for (const s of stacks) {
    for (const o of s.objects) {
      if (o.layer === "observability") {
        observability.get(s.stack)!.push(o);
        continue;
      }
      if (!versions.has(o.key)) versions.set(o.key, new Map());
      versions.get(o.key)!.set(s.stack, o);
    }
  }
  const appStacks = new Map<string, Set<string>>();
  for (const s of stacks) {
    for (const o of s.objects) {
      if (o.layer !== "app" || o.app === undefined) continue;
      if (!appStacks.has(o.app)) appStacks.set(o.app, new Set());
      appStacks.get(o.app)!.add(s.stack);
    }
  }

  const base = new Map<string, KubeObject[]>();
  const apps = new Map<string, KubeObject[]>();
  // Per stack, per unit (app, or "" for the cluster unit): its own objects and patches.
  const units = new Map<string, Map<string, { objects: KubeObject[]; patches: Patch[] }>>(
    names.map((n) => [n, new Map()]),
  );
  const unitOf = (stack: string, app: string | undefined) => {
    const byApp = units.get(stack)!;
    const k = app ?? "";
    if (!byApp.has(k)) byApp.set(k, { objects: [], patches: [] });
    return byApp.get(k)!;
  };
  const add = (map: Map<string, KubeObject[]>, app: string, o: KubeObject) => {
    if (!map.has(app)) map.set(app, []);
    map.get(app)!.push(o);
  };

  for (const key of [...versions.keys()].sort()) {
    const byStack = versions.get(key)!;
    const present = names.filter((n) => byStack.has(n));
    const homes = new Set(present.map((n) => homeOf(byStack.get(n)!)));
    const owners = new Set(present.map((n) => byStack.get(n)!.app));
    const app = owners.size === 1 ? [...owners][0] : undefined;
    const home = homes.size === 1 && app !== undefined ? [...homes][0] : "cluster";
    const scope =
      home === "base" ? names : home.startsWith("app:") ? names.filter((n) => appStacks.get(app!)?.has(n)) : undefined;
    if (!scope || present.length !== scope.length) {
      for (const n of present) unitOf(n, byStack.get(n)!.app).objects.push(byStack.get(n)!);
      continue;
    }
    // The shared copy: the content most stacks have; on a tie, the first stack's.
    const prints = present.map((n) => fingerprint(byStack.get(n)!.manifest));
    const count = (p: string) => prints.filter((x) => x === p).length;
    const best = prints.reduce((b, p, i) => (count(p) > count(prints[b]) ? i : b), 0);
    const shared = byStack.get(present[best])!;
    add(home === "base" ? base : apps, app!, shared);
    for (const n of present) {
      const ops = createPatch(shared.manifest, byStack.get(n)!.manifest);
      if (ops.length > 0) unitOf(n, app).patches.push({ target: shared, ops });
    }
  }

  const clusters = new Map<string, ClusterOverlay>();
  for (const n of names) {
    const obs = sortObjects(observability.get(n)!);
    const tenants = new Set<string>([...units.get(n)!.keys()].filter((k) => k !== ""));
    for (const a of base.keys()) tenants.add(a);
    for (const a of apps.keys()) if (appStacks.get(a)!.has(n)) tenants.add(a);
    const unit = (a: string | undefined, includes: string[]): Unit => {
      const own = units.get(n)!.get(a ?? "") ?? { objects: [], patches: [] };
      return {
        stack: n,
        app: a,
        dir: unitDir(n, a),
        includes,
        objects: sortObjects(own.objects),
        patches: own.patches,
      };
    };
    clusters.set(n, {
      stack: n,
      units: [
        unit(undefined, obs.length > 0 ? [`observability/${n}`] : []),
        ...[...tenants]
          .sort()
          .map((a) =>
            unit(a, [
              ...(base.has(a) ? [`base/${a}`] : []),
              ...(apps.has(a) && appStacks.get(a)!.has(n) ? [`apps/${a}`] : []),
            ]),
          ),
      ],
      observability: obs,
    });
  }
  const sorted = (m: Map<string, KubeObject[]>) =>
    new Map([...m.keys()].sort().map((a) => [a, sortObjects(m.get(a)!)]));
  return { stacks: names, base: sorted(base), apps: sorted(apps), clusters };
}
