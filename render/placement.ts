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

export interface ClusterOverlay {
  readonly stack: string;
  /** Whether the overlay builds on `base/` (false only when base is empty). */
  readonly base: boolean;
  /** The `apps/<app>/` directories it includes, sorted. */
  readonly apps: readonly string[];
  /** Objects written in full in this overlay: only in this stack (or only in some), or policies. */
  readonly objects: readonly KubeObject[];
  readonly patches: readonly Patch[];
  /** Its SLO rules and dashboard, written to `observability/<stack>/` (they name the cluster, so never shared). */
  readonly observability: readonly KubeObject[];
}

/** Where every object of every stack goes. Pure: no files, no YAML. */
export interface Layout {
  readonly stacks: readonly string[];
  readonly base: readonly KubeObject[];
  readonly apps: ReadonlyMap<string, readonly KubeObject[]>;
  readonly clusters: ReadonlyMap<string, ClusterOverlay>;
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
 * - an object in every stack of its layer's scope goes to that layer once (`base/`: all stacks; `apps/<app>/`:
 *   the stacks that run the app). Its content is the one most stacks have (ties: the first stack's); each
 *   stack whose content differs gets a JSON patch in its overlay.
 * - an object only some of those stacks have, and every policy, is written in full in each overlay that has it.
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
      if (o.layer === "observability") continue;
      const home = homeOf(o);
      if (!home.startsWith("app:")) continue;
      if (!appStacks.has(home)) appStacks.set(home, new Set());
      appStacks.get(home)!.add(s.stack);
    }
  }

  const base: KubeObject[] = [];
  const apps = new Map<string, KubeObject[]>();
  const own = new Map<string, KubeObject[]>(names.map((n) => [n, []]));
  const patches = new Map<string, Patch[]>(names.map((n) => [n, []]));

  for (const key of [...versions.keys()].sort()) {
    const byStack = versions.get(key)!;
    const present = names.filter((n) => byStack.has(n));
    const homes = new Set(present.map((n) => homeOf(byStack.get(n)!)));
    const home = homes.size === 1 ? [...homes][0] : "cluster";
    const scope =
      home === "base" ? names : home.startsWith("app:") ? names.filter((n) => appStacks.get(home)!.has(n)) : undefined;
    if (!scope || present.length !== scope.length) {
      for (const n of present) own.get(n)!.push(byStack.get(n)!);
      continue;
    }
    // The shared copy: the content most stacks have; on a tie, the first stack's.
    const prints = present.map((n) => fingerprint(byStack.get(n)!.manifest));
    const count = (p: string) => prints.filter((x) => x === p).length;
    const best = prints.reduce((b, p, i) => (count(p) > count(prints[b]) ? i : b), 0);
    const shared = byStack.get(present[best])!;
    if (home === "base") base.push(shared);
    else {
      const app = home.slice("app:".length);
      if (!apps.has(app)) apps.set(app, []);
      apps.get(app)!.push(shared);
    }
    for (const n of present) {
      const ops = createPatch(shared.manifest, byStack.get(n)!.manifest);
      if (ops.length > 0) patches.get(n)!.push({ target: shared, ops });
    }
  }

  const clusters = new Map<string, ClusterOverlay>();
  for (const n of names) {
    clusters.set(n, {
      stack: n,
      base: base.length > 0,
      apps: [...apps.keys()].filter((a) => appStacks.get(`app:${a}`)!.has(n)).sort(),
      objects: sortObjects(own.get(n)!),
      patches: patches.get(n)!,
      observability: sortObjects(observability.get(n)!),
    });
  }
  const sortedApps = new Map([...apps.keys()].sort().map((a) => [a, sortObjects(apps.get(a)!)]));
  return { stacks: names, base: sortObjects(base), apps: sortedApps, clusters };
}
