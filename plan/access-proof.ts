import { AllowRule } from "../config/allow-from";
import { AppSettings } from "../config/parse-apps";
import { hasWaypoint } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { MeshSettings } from "../config/schema";
import { AccessEvaluator, Caller, Decision, HttpRequest, Target } from "../access/evaluate";
import { istioMatch } from "../access/match";
import { readMesh } from "../access/model";
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
export function callersOf(settings: MeshSettings): Caller[] {
  const found = new Map<string, Caller>();
  const add = (namespace: string, serviceAccount: string) =>
    found.set(`${namespace}/${serviceAccount}`, { namespace, serviceAccount, inMesh: true });
  const namespaces = new Set(settings.apps.map((a) => a.namespace));
  for (const app of settings.apps) {
    for (const sa of app.workload ? [app.name] : app.serviceAccounts) add(app.namespace, sa);
    add(app.namespace, "default");
    if (hasWaypoint(settings, app)) add(app.namespace, WAYPOINT_NAME);
    for (const rule of app.allowFrom) add(rule.namespace, rule.serviceAccount ?? "default");
  }
  // A namespace of the mesh that is none of the apps', nor named by any allowFrom.
  let outsider = "mesh-lab-outsider";
  for (let i = 2; namespaces.has(outsider) || found.has(`${outsider}/default`); i++)
    outsider = `mesh-lab-outsider-${i}`;
  add(outsider, "default");
  return [...found.values()];
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
    problems.push(
      `${describe(d)}: ${said} (decided by the ${proxy}), but the planned policies ${d.verdict} it at the ${d.enforcedBy} (${by})`,
    );
  };
  for (const t of ev.targets()) {
    const app = appOf.get(`${t.service.namespace}/${t.service.name}`);
    if (app === undefined) continue;
    const waypoint = hasWaypoint(settings, app) ? `${app.namespace}/${WAYPOINT_NAME}` : undefined;
    for (const c of callers) {
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
