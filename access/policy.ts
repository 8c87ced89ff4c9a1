import { anyMatch, labelsMatch } from "./match";
import {
  Action,
  arr,
  at,
  obj,
  Obj,
  str,
  Policy,
  ROOT_NAMESPACE,
  Service,
  TargetRef,
  Waypoint,
  Workload,
} from "./model";

/** Who is calling, as the proxy sees it: a SPIFFE identity, or none for a caller outside the mesh. */
export interface Peer {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly principal: string;
}

/** What one proxy judges: the peer, the port it sees, and the HTTP request when it reads HTTP and one is asked. */
export interface Connection {
  readonly peer: Peer | undefined;
  readonly port: number;
  /** Undefined at L4: then "allow" means some request is allowed. */
  readonly request?: { readonly method: string; readonly path: string; readonly host: string } | undefined;
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

/**
 * A policy, rule, entry or field compiled once into a function of the connection: the matrix of a large mesh
 * judges each policy for every caller, so the spec is read only here.
 */
type Pred = (c: Connection) => Tri;
const ALWAYS: Pred = () => YES;
const NEVER: Pred = () => NO;

/** Without HTTP: `drop`, the ALLOW rule is dropped (never matches); `empty`, an entry with no field ztunnel reads. */
type Compiled = Pred | "drop" | "empty";

function and(preds: readonly Pred[]): Pred {
  if (preds.length === 0) return ALWAYS;
  if (preds.length === 1) return preds[0];
  return (c) => {
    let r: Tri = YES;
    for (const p of preds) {
      const m = p(c);
      if (m === NO) return NO;
      if (m < r) r = m;
    }
    return r;
  };
}

function or(preds: readonly Pred[]): Pred {
  if (preds.length === 0) return NEVER;
  if (preds.length === 1) return preds[0];
  return (c) => {
    let best: Tri = NO;
    for (const p of preds) {
      const m = p(c);
      if (m === YES) return YES;
      if (m > best) best = m;
    }
    return best;
  };
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.length > 0 ? v.map((x) => String(x)) : undefined;

/** Ports as both proxies parse them: numbers up to 65535 (`08080` is 8080); a named or bad port is left out. */
const validPorts = (v: string[]) =>
  v.filter((p) => /^\d+$/.test(p) && Number(p) <= 65535).map((p) => String(Number(p)));

/**
 * Positive (any value matches) or negative (none does) over one field of the connection; a connection without
 * the value (no identity) matches no value. Exact values are looked up in a set, patterns tried in turn.
 */
function known(values: string[], negated: boolean, get: (c: Connection) => string | undefined, exact = false): Pred {
  const wild = exact ? [] : values.filter((v) => v.startsWith("*") || v.endsWith("*"));
  const plain = new Set(values.filter((v) => !wild.includes(v)));
  const hit = wild.length === 0 ? (v: string) => plain.has(v) : (v: string) => plain.has(v) || anyMatch(wild, v);
  return (c) => {
    const v = get(c);
    return (v !== undefined && hit(v)) !== negated ? YES : NO;
  };
}

/** A field no manifest answers (an IP address, SNI): an offline caller has none a list names. */
const unknown = (negated: boolean): Pred => (negated ? ALWAYS : NEVER);

/** A field of the HTTP request: judged on the request asked, SOME when none was. */
function requestField(values: string[], negated: boolean, get: (c: Connection) => string | undefined): Pred {
  const judge = known(values, negated, get);
  return (c) => (c.request === undefined ? SOME : judge(c));
}

/** Something only an HTTP request carries that a query's request has not (a JWT, a header, the client's IP). */
const absentFromRequest = (negated: boolean): Pred => requestField(["*"], negated, () => undefined);

interface Ctx {
  readonly action: Action;
  readonly mode: Mode;
  /** A `serviceAccounts` entry without a namespace is in the policy's. */
  readonly namespace: string;
}

/**
 * One `from`/`to` entry or `when` condition, from its L4 parts (fields ztunnel reads) and HTTP-only parts.
 * Without HTTP, an ALLOW rule with HTTP parts is dropped, and for ztunnel an entry with no L4 part is empty.
 */
function entry(ctx: Ctx, l4: readonly (Pred | "drop" | undefined)[], http: readonly (Pred | undefined)[]): Compiled {
  const present = (xs: readonly (Pred | "drop" | undefined)[]) => xs.filter((x): x is Pred => typeof x === "function");
  if (l4.includes("drop")) return "drop";
  if (ctx.mode !== "http") {
    if (ctx.action === "ALLOW" && present(http).length > 0) return "drop";
    const parts = present(l4);
    return parts.length === 0 && ctx.mode === "ztunnel" ? "empty" : and(parts);
  }
  return and([...present(l4), ...present(http)]);
}

const opt = <T>(values: T | undefined, f: (v: T) => Pred): Pred | undefined =>
  values === undefined ? undefined : f(values);

const principal = (c: Connection) => c.peer?.principal;
const peerNamespace = (c: Connection) => c.peer?.namespace;
const account = (c: Connection) => (c.peer ? `${c.peer.namespace}/${c.peer.serviceAccount}` : undefined);
const port = (c: Connection) => String(c.port);

/**
 * A port list. A value that is no port number (`http`): istiod drops it for ztunnel (authorization.go
 * L648-658); Envoy's builder fails on it, which drops an ALLOW rule and leaves a DENY rule without it (model.go
 * L344-356). No value left: no condition.
 */
function portField(ctx: Ctx, values: string[] | undefined, negated: boolean): Pred | "drop" | undefined {
  if (values === undefined) return undefined;
  const valid = validPorts(values);
  if (ctx.mode !== "ztunnel" && ctx.action === "ALLOW" && valid.length < values.length) return "drop";
  return valid.length === 0 ? undefined : known(valid, negated, port, true);
}

/**
 * A field ztunnel cannot see but Envoy can (the client's address, SNI, the source service account): HTTP-only
 * for ztunnel (istiod's conversion drops it), an L4 field at a waypoint, TCP port or not (Envoy's generator.go).
 * Returns where it goes: `[l4, http]`.
 */
function envoyOnly(ctx: Ctx, pred: Pred | undefined): [Pred | undefined, Pred | undefined] {
  return ctx.mode === "ztunnel" ? [undefined, pred] : [pred, undefined];
}

function source(ctx: Ctx, s: Obj): Compiled {
  const accounts = (v: unknown) => strings(v)?.map((a) => (a.includes("/") ? a : `${ctx.namespace}/${a}`));
  const [remote, remoteHttp] = envoyOnly(
    ctx,
    opt(strings(s.remoteIpBlocks), () => unknown(false)),
  );
  const [notRemote, notRemoteHttp] = envoyOnly(
    ctx,
    opt(strings(s.notRemoteIpBlocks), () => unknown(true)),
  );
  return entry(
    ctx,
    [
      opt(strings(s.principals), (v) => known(v, false, principal)),
      opt(strings(s.notPrincipals), (v) => known(v, true, principal)),
      opt(strings(s.namespaces), (v) => known(v, false, peerNamespace)),
      opt(strings(s.notNamespaces), (v) => known(v, true, peerNamespace)),
      opt(accounts(s.serviceAccounts), (v) => known(v, false, account, true)),
      opt(accounts(s.notServiceAccounts), (v) => known(v, true, account, true)),
      opt(strings(s.ipBlocks), () => unknown(false)),
      opt(strings(s.notIpBlocks), () => unknown(true)),
      remote,
      notRemote,
    ],
    [
      opt(strings(s.requestPrincipals), () => absentFromRequest(false)),
      opt(strings(s.notRequestPrincipals), () => absentFromRequest(true)),
      remoteHttp,
      notRemoteHttp,
    ],
  );
}

function operation(ctx: Ctx, o: Obj): Compiled {
  const lower = (v: unknown) => strings(v)?.map((h) => h.toLowerCase());
  const host = (c: Connection) => c.request?.host.toLowerCase();
  const method = (c: Connection) => c.request?.method;
  const path = (c: Connection) => c.request?.path;
  return entry(
    ctx,
    [portField(ctx, strings(o.ports), false), portField(ctx, strings(o.notPorts), true)],
    [
      opt(lower(o.hosts), (v) => requestField(v, false, host)),
      opt(lower(o.notHosts), (v) => requestField(v, true, host)),
      opt(strings(o.methods), (v) => requestField(v, false, method)),
      opt(strings(o.notMethods), (v) => requestField(v, true, method)),
      opt(strings(o.paths), (v) => requestField(v, false, path)),
      opt(strings(o.notPaths), (v) => requestField(v, true, path)),
    ],
  );
}

/** The `when` keys istiod converts for ztunnel; every other key is HTTP-only there. */
const L4_CONDITION_KEYS = ["source.ip", "source.namespace", "source.principal", "destination.ip", "destination.port"];

function condition(ctx: Ctx, c: Obj): Compiled {
  const values = strings(c.values);
  const notValues = strings(c.notValues);
  const both = (f: (v: string[], negated: boolean) => Pred) => [
    opt(values, (v) => f(v, false)),
    opt(notValues, (v) => f(v, true)),
  ];
  switch (str(c.key) ?? "") {
    case "source.principal":
      return entry(
        ctx,
        both((v, n) => known(v, n, principal)),
        [],
      );
    case "source.namespace":
      return entry(
        ctx,
        both((v, n) => known(v, n, peerNamespace)),
        [],
      );
    case "destination.port":
      return entry(ctx, [portField(ctx, values, false), portField(ctx, notValues, true)], []);
    case "source.ip":
    case "destination.ip":
      return entry(
        ctx,
        both((_, n) => unknown(n)),
        [],
      );
    case "remote.ip":
    case "connection.sni": {
      const preds = both((_, n) => unknown(n));
      return ctx.mode === "ztunnel" ? entry(ctx, [], preds) : entry(ctx, preds, []);
    }
    case "source.serviceAccount": {
      const accounts = (v: string[]) => v.map((a) => (a.includes("/") ? a : `${ctx.namespace}/${a}`));
      const preds = both((v, n) => known(accounts(v), n, account, true));
      return ctx.mode === "ztunnel" ? entry(ctx, [], preds) : entry(ctx, preds, []);
    }
    default:
      // request.headers[...], request.auth.*, experimental.*: HTTP only; a query's request has none of them.
      return entry(
        ctx,
        [],
        both((_, n) => absentFromRequest(n)),
      );
  }
}

/**
 * A clause: any of its entries matches (a `from` or `to` list). No list, no clause: it matches. ztunnel skips an
 * empty entry, so a clause of empty entries never matches (ztunnel src/rbac.rs).
 */
function clause(ctx: Ctx, entries: readonly unknown[], f: (ctx: Ctx, o: Obj) => Compiled): Compiled {
  if (entries.length === 0) return ALWAYS;
  const preds: Pred[] = [];
  for (const e of entries) {
    const m = f(ctx, obj(e));
    if (m === "drop") return "drop";
    if (m !== "empty") preds.push(m);
  }
  return or(preds);
}

/** One rule: its `from`, `to` and each `when` all match. A dropped rule (ALLOW with HTTP fields, no HTTP) never does. */
function compileRule(rule: Obj, ctx: Ctx): Pred {
  const clauses = [
    clause(
      ctx,
      arr(rule.from).map((f) => at(f, "source")),
      source,
    ),
    clause(
      ctx,
      arr(rule.to).map((t) => at(t, "operation")),
      operation,
    ),
    ...arr(rule.when).map((c) => clause(ctx, [c], condition)),
  ];
  const preds: Pred[] = [];
  for (const c of clauses) {
    if (c === "drop") return NEVER;
    preds.push(c === "empty" ? NEVER : c);
  }
  return and(preds);
}

const compiledCache = new WeakMap<Policy, Partial<Record<Mode, Pred>>>();

/** The policy as one proxy reads it: any of its rules matches; a policy without rules matches nothing. */
function compilePolicy(policy: Policy, mode: Mode): Pred {
  const cached = compiledCache.get(policy) ?? {};
  compiledCache.set(policy, cached);
  const ctx: Ctx = { action: policy.action, mode, namespace: policy.namespace };
  return (cached[mode] ??= or(policy.rules.map((r) => compileRule(r, ctx))));
}

/** The best match of the policy for one connection, as the proxy of `mode` reads it. */
export const policyMatch = (policy: Policy, conn: Connection, mode: Mode): Tri => compilePolicy(policy, mode)(conn);

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
 * The policies a workload's ztunnel enforces: no targetRefs (istiod gives ztunnel none of those, authorization.go
 * L398-402), ALLOW or DENY and not dry-run (L412-424; policies.go L171-174), and in the root namespace (every
 * namespace) or the workload's own, with no selector or one whose labels the pod has (authorization.go L404-411;
 * workloads.go L1017-1018; ztunnel state.rs L544-563).
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

/** What a waypoint can attach a targetRef to, by its group (an empty one is `core`) and kind, as istiod compares them. */
export type RefKind = "Gateway" | "Service" | "ServiceEntry" | "GatewayClass";

const REF_KINDS = new Map<string, RefKind>([
  ["gateway.networking.k8s.io/Gateway", "Gateway"],
  ["core/Service", "Service"],
  ["networking.istio.io/ServiceEntry", "ServiceEntry"],
  ["gateway.networking.k8s.io/GatewayClass", "GatewayClass"],
]);

/**
 * The kind of object a targetRef names, or undefined for one a waypoint attaches to nothing (istio/istio
 * pilot/pkg/model/policyattachment.go, `matchesGroupKind`, L203-205: group and kind both compared).
 */
export const refKind = (r: TargetRef): RefKind | undefined => REF_KINDS.get(`${r.group || "core"}/${r.kind}`);

/**
 * What a policy's targetRefs attach it to at a waypoint: the Gateway (from its namespace), a Service that uses it
 * (from the Service's), or every waypoint (the GatewayClass `istio-waypoint`, from the root namespace). No
 * targetRefs, no waypoint (istio/istio pilot/pkg/model/policyattachment.go L139-197).
 */
function attachesTo(p: Policy, waypoint: Waypoint, service: Service): boolean {
  return p.targetRefs.some((r) => {
    switch (refKind(r)) {
      case "Gateway":
        return r.name === waypoint.name && p.namespace === waypoint.namespace;
      case "Service":
        return r.name === service.name && p.namespace === service.namespace;
      case "GatewayClass":
        return r.name === "istio-waypoint" && p.namespace === ROOT_NAMESPACE;
      default:
        // A ServiceEntry is not modelled (docs/access.md); anything else attaches to nothing.
        return false;
    }
  });
}

/** The policies a waypoint enforces for traffic to one Service: only those attached by targetRefs. */
export function waypointScope(policies: readonly Policy[], waypoint: Waypoint, service: Service): Policy[] {
  return policies.filter((p) => enforced(p) && attachesTo(p, waypoint, service));
}

export interface ProxyVerdict {
  readonly allow: boolean;
  readonly decidedBy: readonly string[];
}

/** The policies one proxy enforces for one destination, compiled, DENY and ALLOW apart. */
export interface Scope {
  readonly policies: readonly Policy[];
  readonly denies: readonly { readonly id: string; readonly match: Pred }[];
  readonly allows: readonly { readonly id: string; readonly match: Pred }[];
  readonly allowIds: readonly string[];
}

export function scopeOf(policies: readonly Policy[], mode: Mode): Scope {
  const compiled = (action: Action) =>
    policies.filter((p) => p.action === action).map((p) => ({ id: p.id, match: compilePolicy(p, mode) }));
  const allows = compiled("ALLOW");
  return { policies, denies: compiled("DENY"), allows, allowIds: allows.map((a) => a.id) };
}

const NONE: readonly string[] = [];

/**
 * One proxy's decision, in the order both apply (ztunnel src/state.rs L573-604, assert_rbac; Envoy's DENY filter
 * before its ALLOW filter): a matching DENY denies; else, with no ALLOW policy, allow; else allow only when an ALLOW
 * policy matches. `decidedBy`: the matching DENY policies, the matching ALLOW ones, or, for a caller no ALLOW
 * policy lets in, every ALLOW policy in scope.
 */
export function proxyVerdict(scope: Scope, conn: Connection): ProxyVerdict {
  let denied: string[] | undefined;
  for (const d of scope.denies) if (d.match(conn) === YES) (denied ??= []).push(d.id);
  if (denied) return { allow: false, decidedBy: denied };
  if (scope.allows.length === 0) return { allow: true, decidedBy: NONE };
  let matched: string[] | undefined;
  for (const a of scope.allows) if (a.match(conn) !== NO) (matched ??= []).push(a.id);
  if (matched) return { allow: true, decidedBy: matched };
  return { allow: false, decidedBy: scope.allowIds };
}

/** The caller identities policies name: namespaces, principals and `namespace/account`s, exact. */
export interface NamedIdentities {
  readonly namespaces: ReadonlySet<string>;
  readonly principals: ReadonlySet<string>;
  readonly accounts: ReadonlySet<string>;
}

/**
 * Every caller identity the policies name, or undefined when one is a pattern (`*`): then a caller they do not
 * name may still match one. A caller none of them names is judged like any other such caller.
 */
export function identitiesNamed(policies: readonly Policy[]): NamedIdentities | undefined {
  const namespaces = new Set<string>();
  const principals = new Set<string>();
  const accounts = new Set<string>();
  const add = (into: Set<string>, values: unknown, qualify?: string) => {
    for (const v of strings(values) ?? []) into.add(qualify !== undefined && !v.includes("/") ? `${qualify}/${v}` : v);
  };
  for (const p of policies)
    for (const rule of p.rules) {
      for (const f of arr(rule.from)) {
        const src = obj(at(f, "source"));
        add(principals, src.principals);
        add(principals, src.notPrincipals);
        add(namespaces, src.namespaces);
        add(namespaces, src.notNamespaces);
        add(accounts, src.serviceAccounts, p.namespace);
        add(accounts, src.notServiceAccounts, p.namespace);
      }
      for (const c of arr(rule.when)) {
        const key = str(at(c, "key"));
        const into =
          key === "source.principal"
            ? principals
            : key === "source.namespace"
              ? namespaces
              : key === "source.serviceAccount"
                ? accounts
                : undefined;
        if (into === undefined) continue;
        add(into, at(c, "values"), into === accounts ? p.namespace : undefined);
        add(into, at(c, "notValues"), into === accounts ? p.namespace : undefined);
      }
    }
  const exact = [...namespaces, ...principals, ...accounts].every((v) => !v.includes("*"));
  return exact ? { namespaces, principals, accounts } : undefined;
}
