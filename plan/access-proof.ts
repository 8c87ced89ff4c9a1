import { AllowRule } from "../config/allow-from";
import { AppSettings } from "../config/parse-apps";
import { hasWaypoint } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { MeshSettings } from "../config/schema";
import { AccessEvaluator, Caller, callerName, Decision, HttpRequest, Target } from "../access/evaluate";
import { groupBy, istioMatch } from "../access/match";
import { principalOf, readMesh } from "../access/model";
import { WAYPOINT_NAME } from "./specs/marks";
import { PlannedObject } from "./types";

/** Thrown when the planned policies do not do what the config asks: a mesh-lab bug, caught before anything runs. */
export class AccessProofError extends ConfigError {
  constructor(stack: string, problems: readonly string[]) {
    super(stack, problems);
    this.name = "AccessProofError";
    this.message = `stack "${stack}": the planned policies do not do what the config asks (${problems.length} difference(s)):\n  - ${problems.join("\n  - ")}`;
  }
}

const admits = (rule: AllowRule, c: Caller) =>
  rule.namespace === c.namespace && (rule.serviceAccount === undefined || rule.serviceAccount === c.serviceAccount);

const requestIn = (rule: AllowRule, r: HttpRequest) =>
  (rule.methods === undefined || rule.methods.includes(r.method)) &&
  (rule.paths === undefined || rule.paths.some((p) => istioMatch(p, r.path)));

/** A path each pattern matches: `/api/*` gives `/api/x`, `*.json` gives `/x.json`, `*` gives `/`. */
function pathIn(pattern: string): string {
  if (pattern === "*") return "/";
  if (pattern.endsWith("*")) return `${pattern.slice(0, -1)}x`;
  if (pattern.startsWith("*")) return `/x${pattern.slice(1)}`;
  return pattern;
}

/** Requests that an HTTP rule admits (each method with each path) and two it does not (another method, path). */
function probeRequests(rule: AllowRule): HttpRequest[] {
  const methods = rule.methods ?? ["GET"];
  const paths = (rule.paths ?? ["/"]).map(pathIn);
  const inside = methods.flatMap((method) => paths.map((path) => ({ method, path })));
  const otherMethod = ["DELETE", "PATCH", "GET", "POST", "PUT", "HEAD", "OPTIONS", "TRACE", "CONNECT"].find(
    (m) => !methods.includes(m),
  );
  return [
    ...inside,
    ...(otherMethod === undefined ? [] : [{ method: otherMethod, path: paths[0] }]),
    { method: methods[0], path: "/mesh-lab-access-probe" },
  ];
}

/** Who the check calls from: every app's accounts, each namespace's `default`, waypoints, allowFrom's callers, an outsider. */
export function callersOf(settings: MeshSettings): Callers {
  const found = new Map<string, Caller>();
  const add = (namespace: string, serviceAccount: string) =>
    found.set(`${namespace}/${serviceAccount}`, { namespace, serviceAccount, inMesh: true });
  const namespaces = new Set(settings.apps.map((a) => a.namespace));
  for (const app of settings.apps) {
    // An app mesh-lab deploys runs as its own name: serviceAccounts is that by default, and refused when set.
    for (const sa of app.serviceAccounts) add(app.namespace, sa);
    add(app.namespace, "default");
    if (hasWaypoint(settings, app)) add(app.namespace, WAYPOINT_NAME);
    for (const rule of app.allowFrom) add(rule.namespace, rule.serviceAccount ?? "default");
  }
  // A namespace of the mesh that is none of the apps', nor named by any allowFrom.
  let outsider = "mesh-lab-outsider";
  for (let i = 2; namespaces.has(outsider) || found.has(`${outsider}/default`); i++)
    outsider = `mesh-lab-outsider-${i}`;
  add(outsider, "default");
  return indexCallers([...found.values()], found.get(`${outsider}/default`)!, settings.trustDomain);
}

/** The callers the check uses, and one that no policy of mesh-lab's names, which stands for every such caller. */
export interface Callers {
  readonly all: readonly Caller[];
  readonly outsider: Caller;
  /** Callers by namespace, by `namespace/account` and by principal, to find those a policy names. */
  readonly byNamespace: ReadonlyMap<string, readonly Caller[]>;
  readonly byAccount: ReadonlyMap<string, Caller>;
  readonly byPrincipal: ReadonlyMap<string, Caller>;
  /** Each caller's place in `all`. */
  readonly order: ReadonlyMap<Caller, number>;
}

function indexCallers(all: readonly Caller[], outsider: Caller, trustDomain: string): Callers {
  return {
    all,
    outsider,
    byNamespace: groupBy(all, (c) => c.namespace),
    byAccount: new Map(all.map((c) => [callerName(c), c])),
    byPrincipal: new Map(all.map((c) => [principalOf(c.namespace, c.serviceAccount, trustDomain), c])),
    order: new Map(all.map((c, i) => [c, i])),
  };
}

/**
 * The callers a Service port's check needs. When the policies judging it name only exact identities, a caller
 * they do not name is judged as the outsider is (both match the same fields), so the check takes the callers the
 * policies name, those `allowFrom` admits, and the outsider for all the others: linear in apps, not quadratic.
 * Otherwise (a `*` pattern, or the outsider named), every caller.
 */
export function callersToCheck(
  ev: AccessEvaluator,
  t: Target,
  callers: Callers,
  rules: readonly AllowRule[],
): Caller[] {
  const named = ev.identitiesNamed(t);
  if (named === undefined) return [...callers.all];
  const picked = new Set<Caller>([callers.outsider]);
  const pick = (c: Caller | undefined) => c !== undefined && picked.add(c);
  for (const ns of named.namespaces) for (const c of callers.byNamespace.get(ns) ?? []) pick(c);
  for (const a of named.accounts) pick(callers.byAccount.get(a));
  for (const p of named.principals) pick(callers.byPrincipal.get(p));
  const outsider = callers.outsider;
  if (named.namespaces.has(outsider.namespace) || named.accounts.has(callerName(outsider))) return [...callers.all];
  if (named.principals.has(principalOf(outsider.namespace, outsider.serviceAccount, ev.mesh.trustDomain)))
    return [...callers.all];
  for (const r of rules)
    if (r.serviceAccount === undefined) for (const c of callers.byNamespace.get(r.namespace) ?? []) pick(c);
    else pick(callers.byAccount.get(`${r.namespace}/${r.serviceAccount}`));
  // In the order of `all`, so messages come out the same whichever way a caller was picked.
  return [...picked].sort((x, y) => callers.order.get(x)! - callers.order.get(y)!);
}

function describe(d: Decision): string {
  const request = d.method === undefined ? "" : ` ${d.method} ${d.path}`;
  return `${d.source} -> ${d.destination}${request}`;
}

/**
 * Proves the plan's policies against the config's intent with the access evaluator, as ztunnel and the waypoint
 * will decide: each caller an `allowFrom` entry admits gets in (with an HTTP rule, only the requests it names),
 * every other caller (other apps, the namespace's other accounts, waypoints, a namespace outside the apps) is
 * refused, and the proxy that decides is the waypoint where the app has one, else the destination's ztunnel.
 * Returns one line per difference, naming the caller, the destination and the policies that decided.
 */
export function accessProblems(settings: MeshSettings, objects: readonly PlannedObject[]): string[] {
  const ev = new AccessEvaluator(
    readMesh(
      objects.map((o) => o.manifest),
      settings.trustDomain,
    ),
  );
  const appOf = new Map<string, AppSettings>(settings.apps.map((a) => [`${a.namespace}/${a.name}`, a]));
  const callers = callersOf(settings);
  const problems: string[] = [];
  const check = (app: AppSettings, c: Caller, t: Target, request?: HttpRequest) => {
    const rules = app.allowFrom.filter((r) => admits(r, c));
    const want = request === undefined ? rules.length > 0 : rules.some((r) => requestIn(r, request));
    const proxy = hasWaypoint(settings, app) ? "waypoint" : "ztunnel";
    const d = ev.decide(c, t, request);
    if ((d.verdict === "allow") === want && d.enforcedBy === proxy) return;
    const said = want ? `allowFrom admits it` : `no allowFrom entry of apps[${app.index}] admits it`;
    const by = d.decidedBy.length > 0 ? d.decidedBy.join(", ") : "no policy";
    const every = c === callers.outsider ? " (and so every caller the policies do not name)" : "";
    problems.push(
      `${describe(d)}${every}: ${said} (decided by the ${proxy}), but the planned policies ${d.verdict} it at the ${d.enforcedBy} (${by})`,
    );
  };
  for (const t of ev.targets()) {
    const app = appOf.get(`${t.service.namespace}/${t.service.name}`);
    if (app === undefined) continue;
    const waypoint = hasWaypoint(settings, app) ? `${app.namespace}/${WAYPOINT_NAME}` : undefined;
    for (const c of callersToCheck(ev, t, callers, app.allowFrom)) {
      check(app, c, t);
      // Behind a waypoint, a caller that dials the pods' IP skips it: their ztunnel must refuse all but the waypoint.
      if (waypoint !== undefined && `${c.namespace}/${c.serviceAccount}` !== waypoint) {
        const d = ev.bypassingWaypoint(c, t);
        if (d.verdict !== "deny")
          problems.push(
            `${describe(d)}, to the pods' address (skipping the waypoint): only the waypoint may reach them, but the planned policies allow it at the ztunnel (${d.decidedBy.join(", ") || "no policy"})`,
          );
      }
      const httpRules = app.allowFrom.filter((r) => admits(r, c) && (r.methods !== undefined || r.paths !== undefined));
      for (const rule of httpRules) for (const request of probeRequests(rule)) check(app, c, t, request);
    }
  }
  return problems;
}
