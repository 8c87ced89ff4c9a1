import { isDnsLabel, Reader } from "./readers";

/**
 * One `allowFrom` entry: who may call the app. A namespace (`"finance"`), a service account in it
 * (`"finance/payments-worker"`), or either with HTTP methods and paths (`{from, methods, paths}`), which only a
 * waypoint can enforce.
 */
export interface AllowRule {
  readonly namespace: string;
  /** Only this service account of the namespace. @default - every workload of the namespace */
  readonly serviceAccount?: string;
  /** Only these HTTP methods. @default - any */
  readonly methods?: readonly string[];
  /** Only these paths (exact, `prefix*` or `*suffix`, as Istio matches them). @default - any */
  readonly paths?: readonly string[];
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"];
// An absolute path (`/api`), a prefix (`/api/*`), a suffix (`*.json`), or `*` alone: Istio's exact, prefix and
// suffix matches.
const PATH = /^(\*|\*[A-Za-z0-9._~!$&'()+,;=:@%/-]+|\/[A-Za-z0-9._~!$&'()+,;=:@%/-]*\*?)$/;

export const FROM_RULE =
  'a namespace ("finance"), a service account in it ("finance/payments"), or {from: one of those, methods: [...], paths: [...]}';

/** What an entry names, as written: `finance` or `finance/payments`. */
export const fromLabel = (rule: AllowRule) =>
  rule.serviceAccount === undefined ? rule.namespace : `${rule.namespace}/${rule.serviceAccount}`;

/** The rule as a stack file writes it: the string form, or `{from, methods, paths}` for an HTTP rule. */
export const allowEntry = (rule: AllowRule): string | Record<string, unknown> =>
  isHttpRule(rule)
    ? {
        from: fromLabel(rule),
        ...(rule.methods ? { methods: rule.methods } : {}),
        ...(rule.paths ? { paths: rule.paths } : {}),
      }
    : fromLabel(rule);

/**
 * Whether some entry admits the pods of `caller` (some request of theirs): its namespace, and one of the service
 * accounts its pods run as when the entry names one.
 */
export const admitsApp = (
  allowFrom: readonly AllowRule[],
  caller: { readonly namespace: string; readonly serviceAccounts: readonly string[] },
) =>
  allowFrom.some(
    (r) =>
      r.namespace === caller.namespace &&
      (r.serviceAccount === undefined || caller.serviceAccounts.includes(r.serviceAccount)),
  );

/** True when the rule needs a waypoint: ztunnel sees no HTTP. */
export const isHttpRule = (rule: AllowRule) => rule.methods !== undefined || rule.paths !== undefined;

function readFrom(r: Reader, key: string, v: unknown): Pick<AllowRule, "namespace" | "serviceAccount"> | undefined {
  if (typeof v !== "string") return r.problems.add(key, v, FROM_RULE);
  const [namespace, serviceAccount, extra] = v.split("/");
  const ok = (s: string | undefined) => s !== undefined && isDnsLabel(s);
  if (extra !== undefined || !ok(namespace) || (serviceAccount !== undefined && !ok(serviceAccount)))
    return r.problems.add(key, v, `${FROM_RULE}, each name a DNS-1123 label`);
  return serviceAccount === undefined ? { namespace } : { namespace, serviceAccount };
}

function readList(r: Reader, key: string, v: unknown, allowed: (s: string) => boolean, what: string) {
  return r.list(key, v, (k, x) => (typeof x === "string" && allowed(x) ? x : r.problems.add(k, x, what)), true, what);
}

/** Reads one `allowFrom[j]` entry; the rules that need the other apps or the stack are checked later. */
export function readAllowEntry(r: Reader, key: string, v: unknown): AllowRule | undefined {
  if (typeof v === "string") return readFrom(r, key, v);
  const o = r.object(key, v, ["from", "methods", "paths"]);
  if (!o) return undefined;
  if (o.from === undefined) return r.problems.missing(`${key}.from`, FROM_RULE);
  const from = readFrom(r, `${key}.from`, o.from);
  const methods =
    o.methods === undefined
      ? undefined
      : readList(r, `${key}.methods`, o.methods, (s) => METHODS.includes(s), `HTTP methods (${METHODS.join(", ")})`);
  const paths =
    o.paths === undefined
      ? undefined
      : readList(r, `${key}.paths`, o.paths, (s) => PATH.test(s), "paths such as /api, /api/* or *.json");
  if (o.methods === undefined && o.paths === undefined)
    return r.problems.add(
      key,
      v,
      `${FROM_RULE}: the object form needs methods or paths; without them write the string`,
    );
  if (!from || (o.methods !== undefined && !methods) || (o.paths !== undefined && !paths)) return undefined;
  return { ...from, ...(methods ? { methods } : {}), ...(paths ? { paths } : {}) };
}
