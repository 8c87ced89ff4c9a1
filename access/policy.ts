import { anyMatch, labelsMatch } from "./match";
import { Action, arr, at, obj, Obj, str, Policy, ROOT_NAMESPACE, Service, Waypoint, Workload } from "./model";

/** Who is calling, as the proxy sees it: a SPIFFE identity, or none for a caller outside the mesh. */
export interface Peer {
  readonly namespace: string;
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
 * How the proxy reads a rule: `http`, a waypoint on an HTTP port (every field); `l4`, ztunnel or a waypoint on a
 * TCP port, which see no HTTP. At L4 istiod drops an ALLOW rule that has any HTTP field (it never matches) and
 * keeps a DENY rule without its HTTP fields (it matches more): istio/istio
 * pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go, handleRule (docs/access.md cites the lines).
 */
export type Mode = "http" | "l4";

/** A match that is certain (2), impossible (0), or true for some requests but not others (1, at L4 only). */
export type Tri = 0 | 1 | 2;
const NO: Tri = 0;
const SOME: Tri = 1;
const YES: Tri = 2;
const min = (a: Tri, b: Tri): Tri => (a < b ? a : b);

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.length > 0 ? v.map((x) => String(x)) : undefined;

interface Ctx {
  readonly conn: Connection;
  readonly action: Action;
  readonly mode: Mode;
}

/** An HTTP-only field: judged on the request, SOME when no request was asked, per action at L4. */
function httpField(
  ctx: Ctx,
  values: string[] | undefined,
  negated: boolean,
  value: (r: NonNullable<Connection["request"]>) => string | undefined,
): Tri | "drop" {
  if (values === undefined) return YES;
  if (ctx.mode === "l4") return ctx.action === "ALLOW" ? "drop" : YES;
  const request = ctx.conn.request;
  if (request === undefined) return SOME;
  const v = value(request);
  const hit = v !== undefined && anyMatch(values, v);
  return hit !== negated ? YES : NO;
}

/** A field the proxy knows the answer to (identity, port); `value` undefined means the connection has none. */
function knownField(values: string[] | undefined, negated: boolean, value: string | undefined, exact = false): Tri {
  if (values === undefined) return YES;
  const hit = value !== undefined && (exact ? values.includes(value) : anyMatch(values, value));
  return hit !== negated ? YES : NO;
}

/** Fields no manifest can answer (IP addresses, SNI): an offline caller has none that a list names. */
const unknownField = (values: string[] | undefined, negated: boolean): Tri =>
  values === undefined || negated ? YES : NO;

function sourceMatch(ctx: Ctx, s: Obj): Tri | "drop" {
  const peer = ctx.conn.peer;
  const parts: (Tri | "drop")[] = [
    knownField(strings(s.principals), false, peer?.principal),
    knownField(strings(s.notPrincipals), true, peer?.principal),
    knownField(strings(s.namespaces), false, peer?.namespace),
    knownField(strings(s.notNamespaces), true, peer?.namespace),
    unknownField(strings(s.ipBlocks), false),
    unknownField(strings(s.notIpBlocks), true),
    unknownField(strings(s.remoteIpBlocks), false),
    unknownField(strings(s.notRemoteIpBlocks), true),
    // A request carries no JWT in a query: requestPrincipals never match it.
    httpField(ctx, strings(s.requestPrincipals), false, () => undefined),
    httpField(ctx, strings(s.notRequestPrincipals), true, () => undefined),
  ];
  return all(parts);
}

function operationMatch(ctx: Ctx, o: Obj): Tri | "drop" {
  const port = String(ctx.conn.port);
  return all([
    knownField(strings(o.ports), false, port, true),
    knownField(strings(o.notPorts), true, port, true),
    httpField(
      ctx,
      strings(o.hosts)?.map((h) => h.toLowerCase()),
      false,
      (r) => r.host.toLowerCase(),
    ),
    httpField(
      ctx,
      strings(o.notHosts)?.map((h) => h.toLowerCase()),
      true,
      (r) => r.host.toLowerCase(),
    ),
    httpField(ctx, strings(o.methods), false, (r) => r.method),
    httpField(ctx, strings(o.notMethods), true, (r) => r.method),
    httpField(ctx, strings(o.paths), false, (r) => r.path),
    httpField(ctx, strings(o.notPaths), true, (r) => r.path),
  ]);
}

function conditionMatch(ctx: Ctx, c: Obj): Tri | "drop" {
  const key = str(c.key) ?? "";
  const values = strings(c.values);
  const notValues = strings(c.notValues);
  const both = (f: (v: string[] | undefined, negated: boolean) => Tri | "drop") =>
    all([f(values, false), f(notValues, true)]);
  const peer = ctx.conn.peer;
  switch (key) {
    case "source.principal":
      return both((v, n) => knownField(v, n, peer?.principal));
    case "source.namespace":
      return both((v, n) => knownField(v, n, peer?.namespace));
    case "destination.port":
      return both((v, n) => knownField(v, n, String(ctx.conn.port), true));
    case "source.ip":
    case "remote.ip":
    case "destination.ip":
    case "connection.sni":
      return both(unknownField);
    default:
      // request.headers[...], request.auth.*, experimental.*: HTTP only. A query's request has no header or JWT.
      return both((v, n) => httpField(ctx, v, n, () => undefined));
  }
}

function all(parts: readonly (Tri | "drop")[]): Tri | "drop" {
  let r: Tri = YES;
  for (const p of parts) {
    if (p === "drop") return "drop";
    r = min(r, p);
  }
  return r;
}

/** Any entry of a `from` or `to` list: none means no condition. */
function anyOf(ctx: Ctx, entries: unknown, f: (ctx: Ctx, o: Obj) => Tri | "drop", field: string): Tri | "drop" {
  const list = arr(entries);
  if (list.length === 0) return YES;
  let best: Tri = NO;
  for (const e of list) {
    const m = f(ctx, obj(at(e, field)));
    if (m === "drop") return "drop";
    if (m > best) best = m;
  }
  return best;
}

/** One rule: its `from`, `to` and `when` all match. A dropped rule (ALLOW with HTTP fields, at L4) never does. */
export function ruleMatch(rule: Obj, conn: Connection, action: Action, mode: Mode): Tri {
  const ctx: Ctx = { conn, action, mode };
  const when = arr(rule.when).map((c) => conditionMatch(ctx, obj(c)));
  const m = all([
    anyOf(ctx, rule.from, sourceMatch, "source"),
    anyOf(ctx, rule.to, operationMatch, "operation"),
    ...when,
  ]);
  return m === "drop" ? NO : m;
}

/** The best match of any of the policy's rules; a policy without rules matches nothing. */
export function policyMatch(policy: Policy, conn: Connection, mode: Mode): Tri {
  let best: Tri = NO;
  for (const rule of policy.rules) {
    const m = ruleMatch(rule, conn, policy.action, mode);
    if (m === YES) return YES;
    if (m > best) best = m;
  }
  return best;
}

/** True when some field of the rule is one only HTTP can answer (what ztunnel cannot enforce). */
export function httpFieldsOf(rule: Obj): string[] {
  const found: string[] = [];
  for (const f of arr(rule.from))
    for (const k of ["requestPrincipals", "notRequestPrincipals"]) if (strings(at(f, "source", k))) found.push(k);
  for (const t of arr(rule.to))
    for (const k of ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"])
      if (strings(at(t, "operation", k))) found.push(k);
  for (const c of arr(rule.when)) {
    const key = str(at(c, "key")) ?? "";
    if (
      ![
        "source.principal",
        "source.namespace",
        "destination.port",
        "source.ip",
        "remote.ip",
        "destination.ip",
        "connection.sni",
      ].includes(key)
    )
      found.push(`when ${key}`);
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
      (p.selector === undefined || labelsMatch(p.selector, w.labels)),
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
