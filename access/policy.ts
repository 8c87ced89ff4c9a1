import { anyMatch, labelsMatch } from "./match";
import { Action, arr, at, obj, Obj, str, Policy, ROOT_NAMESPACE, Service, Waypoint, Workload } from "./model";

/** Who is calling, as the proxy sees it: a SPIFFE identity, or none for a caller outside the mesh. */
export interface Peer {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly principal: string;
}

/** What one proxy judges: the peer, the port it sees, and the HTTP request when it reads HTTP and one is asked. */
export interface Connection {
  readonly peer?: Peer;
  readonly port: number;
  /** Undefined at L4: then "allow" means some request is allowed. */
  readonly request?: { readonly method: string; readonly path: string; readonly host: string };
}

/**
 * How the proxy reads a rule (docs/access.md cites the lines of each):
 * - `http`: a waypoint on an HTTP port, Envoy's RBAC filter; it reads every field.
 * - `tcp`: a waypoint on a TCP port. istiod's Envoy builder skips an ALLOW rule with an HTTP-only field, and builds
 *   a DENY rule without those fields (a wider deny).
 * - `ztunnel`: istiod's conversion for ztunnel drops an ALLOW rule with an HTTP-only field; a DENY rule loses
 *   those fields, and an entry left with no field is skipped by ztunnel, so it never matches.
 */
export type Mode = "http" | "tcp" | "ztunnel";

/** A match that is certain (2), impossible (0), or true for some requests but not others (1: no request asked). */
export type Tri = 0 | 1 | 2;
const NO: Tri = 0;
const SOME: Tri = 1;
const YES: Tri = 2;

/** Without HTTP: `drop`, the ALLOW rule is dropped (never matches); `empty`, an entry with no field ztunnel reads. */
type Match = Tri | "drop" | "empty";

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.length > 0 ? v.map((x) => String(x)) : undefined;

/** Ports as istiod sends them to ztunnel: numbers up to 65535; a named or bad port is dropped. */
const ports = (v: unknown): string[] | undefined => strings(v)?.filter((p) => /^\d+$/.test(p) && Number(p) <= 65535);

interface Ctx {
  readonly conn: Connection;
  readonly action: Action;
  readonly mode: Mode;
  /** A `serviceAccounts` entry without a namespace is in the policy's. */
  readonly namespace: string;
}

/** Positive (any value matches) or negative (none does) over one field; no value (no identity) never matches. */
function field(values: string[] | undefined, negated: boolean, value: string | undefined, exact = false): Tri {
  if (values === undefined) return YES;
  const hit = value !== undefined && (exact ? values.includes(value) : anyMatch(values, value));
  return hit !== negated ? YES : NO;
}

/** A field no manifest answers (an IP address, SNI): an offline caller has none a list names. */
const unknown = (values: string[] | undefined, negated: boolean): Tri => (values === undefined || negated ? YES : NO);

/** A field of the HTTP request: judged on the request asked, SOME when none was. */
function requestField(ctx: Ctx, values: string[] | undefined, negated: boolean, value: string | undefined): Tri {
  if (values === undefined) return YES;
  if (ctx.conn.request === undefined) return SOME;
  return field(values, negated, value);
}

function andAll(parts: readonly Tri[]): Tri {
  let r: Tri = YES;
  for (const p of parts) if (p < r) r = p;
  return r;
}

/**
 * One `from`/`to` entry or `when` condition: its L4 parts (fields ztunnel reads) and HTTP-only parts. Without HTTP,
 * an ALLOW rule with HTTP parts is dropped, and for ztunnel an entry with no L4 part is empty.
 */
function entry(ctx: Ctx, l4: readonly (Tri | undefined)[], http: readonly (Tri | undefined)[]): Match {
  const present = (xs: readonly (Tri | undefined)[]) => xs.filter((x): x is Tri => x !== undefined);
  if (ctx.mode !== "http") {
    if (ctx.action === "ALLOW" && present(http).length > 0) return "drop";
    const parts = present(l4);
    return parts.length === 0 && ctx.mode === "ztunnel" ? "empty" : andAll(parts);
  }
  return andAll([...present(l4), ...present(http)]);
}

const opt = <T>(values: T | undefined, f: (v: T) => Tri): Tri | undefined =>
  values === undefined ? undefined : f(values);

function sourceMatch(ctx: Ctx, s: Obj): Match {
  const peer = ctx.conn.peer;
  const account = peer ? `${peer.namespace}/${peer.serviceAccount}` : undefined;
  const accounts = (v: unknown) => strings(v)?.map((a) => (a.includes("/") ? a : `${ctx.namespace}/${a}`));
  const request = ctx.conn.request;
  return entry(
    ctx,
    [
      opt(strings(s.principals), (v) => field(v, false, peer?.principal)),
      opt(strings(s.notPrincipals), (v) => field(v, true, peer?.principal)),
      opt(strings(s.namespaces), (v) => field(v, false, peer?.namespace)),
      opt(strings(s.notNamespaces), (v) => field(v, true, peer?.namespace)),
      opt(accounts(s.serviceAccounts), (v) => field(v, false, account, true)),
      opt(accounts(s.notServiceAccounts), (v) => field(v, true, account, true)),
      opt(strings(s.ipBlocks), (v) => unknown(v, false)),
      opt(strings(s.notIpBlocks), (v) => unknown(v, true)),
    ],
    [
      // A query's request carries no JWT, so no request principal.
      opt(strings(s.requestPrincipals), (v) => requestField(ctx, v, false, undefined)),
      opt(strings(s.notRequestPrincipals), (v) => requestField(ctx, v, true, undefined)),
      opt(strings(s.remoteIpBlocks), (v) => (request === undefined ? SOME : unknown(v, false))),
      opt(strings(s.notRemoteIpBlocks), (v) => (request === undefined ? SOME : unknown(v, true))),
    ],
  );
}

function operationMatch(ctx: Ctx, o: Obj): Match {
  const port = String(ctx.conn.port);
  const r = ctx.conn.request;
  const lower = (v: unknown) => strings(v)?.map((h) => h.toLowerCase());
  return entry(
    ctx,
    [
      opt(ports(o.ports), (v) => (v.length === 0 ? NO : field(v, false, port, true))),
      opt(ports(o.notPorts), (v) => field(v, true, port, true)),
    ],
    [
      opt(lower(o.hosts), (v) => requestField(ctx, v, false, r?.host.toLowerCase())),
      opt(lower(o.notHosts), (v) => requestField(ctx, v, true, r?.host.toLowerCase())),
      opt(strings(o.methods), (v) => requestField(ctx, v, false, r?.method)),
      opt(strings(o.notMethods), (v) => requestField(ctx, v, true, r?.method)),
      opt(strings(o.paths), (v) => requestField(ctx, v, false, r?.path)),
      opt(strings(o.notPaths), (v) => requestField(ctx, v, true, r?.path)),
    ],
  );
}

/** The `when` keys istiod converts for ztunnel; every other key is HTTP-only there. */
export const L4_CONDITION_KEYS = [
  "source.ip",
  "source.namespace",
  "source.principal",
  "destination.ip",
  "destination.port",
];

function conditionMatch(ctx: Ctx, c: Obj): Match {
  const key = str(c.key) ?? "";
  const values = strings(c.values);
  const notValues = strings(c.notValues);
  const peer = ctx.conn.peer;
  const port = String(ctx.conn.port);
  const both = (f: (v: string[], negated: boolean) => Tri) => [
    opt(values, (v) => f(v, false)),
    opt(notValues, (v) => f(v, true)),
  ];
  switch (key) {
    case "source.principal":
      return entry(
        ctx,
        both((v, n) => field(v, n, peer?.principal)),
        [],
      );
    case "source.namespace":
      return entry(
        ctx,
        both((v, n) => field(v, n, peer?.namespace)),
        [],
      );
    case "destination.port":
      return entry(
        ctx,
        [
          opt(ports(values), (v) => field(v, false, port, true)),
          opt(ports(notValues), (v) => field(v, true, port, true)),
        ],
        [],
      );
    case "source.ip":
    case "destination.ip":
      return entry(ctx, both(unknown), []);
    case "remote.ip":
    case "connection.sni":
      return entry(
        ctx,
        [],
        both((v, n) => (ctx.conn.request === undefined ? SOME : unknown(v, n))),
      );
    default:
      // request.headers[...], request.auth.*, experimental.*: a query's request has no header and no JWT.
      return entry(
        ctx,
        [],
        both((v, n) => requestField(ctx, v, n, undefined)),
      );
  }
}

/**
 * A clause: any of its entries matches (a `from` or `to` list). No list, no clause: it matches. ztunnel skips an
 * empty entry, so a clause of empty entries never matches (ztunnel src/rbac.rs).
 */
function clause(ctx: Ctx, entries: readonly unknown[], f: (ctx: Ctx, o: Obj) => Match): Match {
  if (entries.length === 0) return YES;
  let best: Tri = NO;
  for (const e of entries) {
    const m = f(ctx, obj(e));
    if (m === "drop") return "drop";
    if (m !== "empty" && m > best) best = m;
  }
  return best;
}

/** One rule: its `from`, `to` and each `when` all match. A dropped rule (ALLOW with HTTP fields, no HTTP) never does. */
export function ruleMatch(rule: Obj, conn: Connection, policy: Pick<Policy, "action" | "namespace">, mode: Mode): Tri {
  const ctx: Ctx = { conn, action: policy.action, mode, namespace: policy.namespace };
  const clauses: Match[] = [
    clause(
      ctx,
      arr(rule.from).map((f) => at(f, "source")),
      sourceMatch,
    ),
    clause(
      ctx,
      arr(rule.to).map((t) => at(t, "operation")),
      operationMatch,
    ),
    ...arr(rule.when).map((c) => clause(ctx, [c], conditionMatch)),
  ];
  if (clauses.includes("drop")) return NO;
  return andAll(clauses.map((c) => (c === "drop" || c === "empty" ? NO : c)));
}

/** The best match of any of the policy's rules; a policy without rules matches nothing. */
export function policyMatch(policy: Policy, conn: Connection, mode: Mode): Tri {
  let best: Tri = NO;
  for (const rule of policy.rules) {
    const m = ruleMatch(rule, conn, policy, mode);
    if (m === YES) return YES;
    if (m > best) best = m;
  }
  return best;
}

/** True when some field of the rule is one only HTTP can answer (what ztunnel cannot enforce). */
export function httpFieldsOf(rule: Obj): string[] {
  const found: string[] = [];
  for (const f of arr(rule.from))
    for (const k of ["requestPrincipals", "notRequestPrincipals", "remoteIpBlocks", "notRemoteIpBlocks"])
      if (strings(at(f, "source", k))) found.push(k);
  for (const t of arr(rule.to))
    for (const k of ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"])
      if (strings(at(t, "operation", k))) found.push(k);
  for (const c of arr(rule.when)) {
    const key = str(at(c, "key")) ?? "";
    if (!L4_CONDITION_KEYS.includes(key)) found.push(`when ${key}`);
  }
  return [...new Set(found)];
}

/** Enforced at all: ALLOW or DENY, not dry-run. AUDIT only logs; CUSTOM asks an external authorizer. */
const enforced = (p: Policy) => (p.action === "ALLOW" || p.action === "DENY") && !p.dryRun;

/**
 * The policies a workload's ztunnel enforces: no targetRefs (istiod gives ztunnel none of those), and in the root
 * namespace (every namespace) or the workload's own, with no selector or one that matches its pod labels.
 */
export function ztunnelScope(policies: readonly Policy[], w: Workload): Policy[] {
  return policies.filter(
    (p) =>
      enforced(p) &&
      p.targetRefs.length === 0 &&
      (p.namespace === ROOT_NAMESPACE || p.namespace === w.namespace) &&
      (p.selector === undefined || (Object.keys(p.selector).length > 0 && labelsMatch(p.selector, w.labels))),
  );
}

/** What a policy's targetRefs attach it to at a waypoint: the Gateway, a Service that uses it, or every waypoint. */
export function attachesTo(p: Policy, waypoint: Waypoint, service: Service): boolean {
  return p.targetRefs.some(
    (r) =>
      (r.kind === "Gateway" &&
        r.group === "gateway.networking.k8s.io" &&
        r.name === waypoint.name &&
        p.namespace === waypoint.namespace) ||
      (r.kind === "Service" &&
        (r.group === "" || r.group === "core") &&
        r.name === service.name &&
        p.namespace === service.namespace) ||
      (r.kind === "GatewayClass" && r.name === "istio-waypoint" && p.namespace === ROOT_NAMESPACE),
  );
}

/** The policies a waypoint enforces for traffic to one Service: only those attached by targetRefs. */
export function waypointScope(policies: readonly Policy[], waypoint: Waypoint, service: Service): Policy[] {
  return policies.filter((p) => enforced(p) && attachesTo(p, waypoint, service));
}

export interface ProxyVerdict {
  readonly allow: boolean;
  readonly decidedBy: readonly string[];
}

/**
 * One proxy's decision, the order both apply: a matching DENY denies; else, with no ALLOW policy, allow; else
 * allow only when an ALLOW policy matches. `decidedBy`: the matching DENY policies, the matching ALLOW ones, or,
 * for a caller no ALLOW policy lets in, every ALLOW policy in scope.
 */
export function proxyVerdict(policies: readonly Policy[], conn: Connection, mode: Mode): ProxyVerdict {
  const denies = policies.filter((p) => p.action === "DENY" && policyMatch(p, conn, mode) === YES);
  if (denies.length > 0) return { allow: false, decidedBy: denies.map((p) => p.id) };
  const allows = policies.filter((p) => p.action === "ALLOW");
  if (allows.length === 0) return { allow: true, decidedBy: [] };
  const matched = allows.filter((p) => policyMatch(p, conn, mode) !== NO);
  if (matched.length > 0) return { allow: true, decidedBy: matched.map((p) => p.id) };
  return { allow: false, decidedBy: allows.map((p) => p.id) };
}
