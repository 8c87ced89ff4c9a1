import { checkAppSlos, readAppSlo } from "./parse-observability";
import { AppSloSetting } from "./observability-settings";
import { checkAppNames, checkDuplicates, checkJobName, JOB_NAME_MAX, PROBE_NAMESPACE } from "./app-rules";
import { allowEntry, AllowRule, fromLabel, isHttpRule, readAllowEntry } from "./allow-from";
import { Problems } from "./problems";
import { AppPort, httpPort, readPorts } from "./app-ports";
import { Reader } from "./readers";

// An absolute HTTP path, no query or spaces: what a kubelet httpGet probe requests.
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** One key of an `apps[i]` entry: its type, what it does, its default and its reader. */
export interface AppField<T> {
  readonly type: "string" | "integer" | "boolean" | "array" | "object";
  readonly description: string;
  /** The value when an app sets none; a function of the app's other keys where it depends on them. */
  readonly default?: T | ((app: Record<string, unknown>) => T);
  /** How docs show a default that is not a plain value. */
  readonly defaultText?: string;
  /** The app must set it; this says what a missing one should have been. */
  readonly required?: string;
  readonly read: (r: Reader, key: string, value: unknown) => T | undefined;
}

const field = <T>(f: AppField<T>): AppField<T> => f;
const strings = (
  r: Reader,
  k: string,
  x: unknown,
  nonEmpty: boolean,
  what: string,
  item: (ik: string, s: unknown) => string | undefined,
) => r.list(k, x, item, nonEmpty, what);

/** The keys of an app, declared once: the reader, the type of AppSettings and docs/config.md come from here. */
export const APP_FIELDS = {
  name: field({
    type: "string",
    required: "a DNS-1123 label naming the app",
    description:
      "DNS-1123 label; names the Deployment, ServiceAccount and Service. For an app with a port, at most 40 characters, and at most 41 together with the namespace of each app its allowFrom admits by namespace alone (no serviceAccount, no HTTP fields): its policy-check Jobs (verify-<app>-denied-<hash>, verify-<app>-from-<namespace>-<hash>) must fit 63, checked even with verifyPolicies off so that turning it on never invalidates a stack. Its GitOps unit, mesh-lab-<stack>.<app>, must fit 63 too.",
    read: (r, k, v) => r.dnsLabel(k, v),
  }),
  namespace: field({
    type: "string",
    default: (a) => a.name as string,
    defaultText: "the app's name",
    description: "The namespace the app owns; one app per namespace.",
    read: (r, k, v) => r.dnsLabel(k, v),
  }),
  image: field<string | undefined>({
    type: "string",
    defaultText: "required, but with workload: false",
    description: "Container image with a tag or a digest (repo:tag, repo@sha256:...).",
    read: (r, k, v) => r.image(k, v),
  }),
  workload: field({
    type: "boolean",
    default: true,
    description:
      "false: mesh-lab enrols the namespace and manages its waypoint, Telemetry and policies, but deploys no Deployment, Service or ServiceAccount: the team's own chart does (its Service named after the app, for callers and the mesh map).",
    read: (r, k, v) => r.boolean(k, v),
  }),
  serviceAccounts: field<readonly string[]>({
    type: "array",
    default: (a) => [a.name as string],
    defaultText: "the app's name",
    description:
      "The service accounts the app's pods run as (with workload: false, the team's chart's); allowFrom entries of other apps that name one of them admit this app.",
    read: (r, k, v) => strings(r, k, v, true, "service account names", (ik, s) => r.dnsLabel(ik, s)),
  }),
  args: field<readonly string[]>({
    type: "array",
    default: [],
    description: "Container args.",
    read: (r, k, v) =>
      strings(r, k, v, false, "strings", (ik, s) => (typeof s === "string" ? s : r.problems.add(ik, s, "a string"))),
  }),
  port: field<number | undefined>({
    type: "integer",
    defaultText: "none: a client only (with ports: the first HTTP port, else the first)",
    description:
      "The one port the app serves HTTP on, named http: the short form of ports. Gives it a Service, probes and telemetry.",
    read: (r, k, v) => r.integer(k, v, 1, 65535),
  }),
  stacks: field<readonly string[] | undefined>({
    type: "array",
    defaultText: "every stack",
    description:
      "The stacks (clusters) the app runs on; on the others it is not deployed. Differences per stack go in that stack's appOverrides.",
    read: (r, k, v) => strings(r, k, v, true, "stack names", (ik, s) => r.dnsLabel(ik, s)),
  }),
  ports: field<readonly AppPort[]>({
    type: "array",
    default: (a) => (a.port === undefined ? [] : [{ name: "http", port: a.port as number, protocol: "http" }]),
    defaultText: "port as [{name: http, port, protocol: http}]",
    description:
      "The ports the app serves, each {name, port, protocol} with protocol http, grpc or tcp: the Service's and the container's ports (appProtocol tells the waypoint how to read the traffic). Not with port.",
    read: (r, k, v) => readPorts(r, k, v),
  }),
  replicas: field({
    type: "integer",
    default: 1,
    description: "Pod replicas (0 scales it down, keeping everything else).",
    read: (r, k, v) => r.integer(k, v, 0, 100),
  }),
  waypoint: field({
    type: "boolean",
    default: false,
    description: "Route the namespace through a waypoint for L7 policy and request metrics.",
    read: (r, k, v) => r.boolean(k, v),
  }),
  global: field({
    type: "boolean",
    default: false,
    description: "Label the Service istio.io/global so the mesh's other clusters can reach it.",
    read: (r, k, v) => r.boolean(k, v),
  }),
  allowFrom: field<readonly AllowRule[]>({
    type: "array",
    default: [],
    defaultText: "nobody",
    description:
      'Who may call this app: a namespace ("finance", an app\'s or any other of the mesh, such as "istio-ingress"), a service account in it ("finance/payments"), or {from, methods, paths} for HTTP rules, which only an app behind a waypoint can have (docs/config.md, section allowFrom).',
    read: (r, k, v) => r.list(k, v, (ik, x) => readAllowEntry(r, ik, x), true, "allowFrom entries"),
  }),
  calls: field<readonly string[]>({
    type: "array",
    default: [],
    description:
      "Apps this app calls. On an app that serves (it has a port), what its own code calls: the mesh map and the policy check read it, its command is its own. On an app without a port, a demo caller: its command becomes a loop calling each app in turn with curl (the image needs sh and curl).",
    read: (r, k, v) => strings(r, k, v, true, "app names", (ik, s) => r.dnsLabel(ik, s)),
  }),
  callIntervalSeconds: field({
    type: "integer",
    default: 5,
    description: "Seconds between two rounds of calls.",
    read: (r, k, v) => r.integer(k, v, 1, 3600),
  }),
  slo: field<AppSloSetting | undefined>({
    type: "object",
    defaultText: "the stack's observability.slo",
    description:
      "This app's objectives, overriding the stack's ({availability, latency} in percent), or false for no SLO (docs/observability.md).",
    read: (r, k, v) => readAppSlo(r, k, v),
  }),
  healthPath: field({
    type: "string",
    default: "/",
    description: "The path the readiness and liveness probes request (http-echo 1.0 serves /health).",
    read: (r, k, v) =>
      typeof v === "string" && HTTP_PATH.test(v) ? v : r.problems.add(k, v, "an absolute HTTP path such as /health"),
  }),
} satisfies Record<string, AppField<unknown>>;

type FieldValue<F> = F extends AppField<infer T> ? T : never;

/**
 * One tenant: a namespace enrolled in ambient, its workload, and who may call it. `index` is its place in the
 * project's `apps` list, which config keys in messages name (`mesh-lab:apps[<index>]`), whichever stacks it runs on.
 */
export type AppSettings = { readonly [K in keyof typeof APP_FIELDS]: FieldValue<(typeof APP_FIELDS)[K]> } & {
  readonly index: number;
};

const APP_KEYS = Object.keys(APP_FIELDS);

/** Reads one `apps[i]` entry; cross-app rules (duplicates, unknown callers) are checked by `checkAppGraph`. */
export function readApp(r: Reader, key: string, v: unknown, index = 0): AppSettings | undefined {
  const o = r.object(key, v, APP_KEYS);
  if (!o) return undefined;
  const before = r.problems.list.length;
  const app: Record<string, unknown> = { index };
  for (const [k, f] of Object.entries(APP_FIELDS) as [string, AppField<unknown>][]) {
    if (o[k] !== undefined) app[k] = f.read(r, `${key}.${k}`, o[k]);
    else if (f.required) r.problems.missing(`${key}.${k}`, f.required);
    else
      app[k] =
        typeof f.default === "function" ? (f.default as (a: Record<string, unknown>) => unknown)(app) : f.default;
  }
  if (o.port !== undefined && o.ports !== undefined)
    r.problems.add(`${key}.ports`, o.ports, "either port (one HTTP port) or ports, not both");
  const ports = app.ports as readonly AppPort[] | undefined;
  // With ports, port is the one callers reach first: the first HTTP port, else the first.
  if (o.ports !== undefined && ports && ports.length > 0) app.port = (httpPort({ ports }) ?? ports[0]).port;
  if (o.workload === false) {
    for (const k of ["image", "args", "replicas", "healthPath", "callIntervalSeconds"])
      if (o[k] !== undefined)
        r.problems.add(`${key}.${k}`, o[k], `no ${k} with workload: false: the team's own chart runs the workload`);
  } else {
    if (o.image === undefined) r.problems.missing(`${key}.image`, "an image reference with a tag or a digest");
    if (o.serviceAccounts !== undefined)
      r.problems.add(
        `${key}.serviceAccounts`,
        o.serviceAccounts,
        `no serviceAccounts on an app mesh-lab deploys: its pods run as "${String(o.name)}"; set workload: false to name a chart's`,
      );
  }
  const calls = app.calls as readonly string[] | undefined;
  if (calls && calls.length > 0 && app.port === undefined && o.args !== undefined) {
    r.problems.add(
      `${key}.args`,
      o.args,
      `no args on a demo caller (an app with "calls" and no port): its command is the generated call loop`,
    );
  }
  if (r.problems.list.length > before) return undefined;
  checkAppNames(r.problems, key, app as AppSettings, o.namespace !== undefined);
  checkCallerOnce(r.problems, `${key}.allowFrom`, app.allowFrom as readonly AllowRule[]);
  checkDuplicates(r.problems, `${key}.calls`, app.calls as readonly string[]);
  return r.problems.list.length > before ? undefined : (app as AppSettings);
}

/**
 * One allowFrom entry per caller: each becomes the policy `allow-from-<caller>`, so a second entry for the same
 * namespace or account would name the same policy. The entry is shown as written, with what the first admits.
 */
function checkCallerOnce(problems: Problems, key: string, rules: readonly AllowRule[]): void {
  rules.forEach((rule, j) => {
    const first = rules.findIndex((x) => fromLabel(x) === fromLabel(rule));
    if (first === j) return;
    const earlier = rules[first];
    const policy = `each entry is the policy allow-from-${fromLabel(rule).replace("/", ".")}`;
    const why = !isHttpRule(earlier)
      ? `${key}[${first}] admits every request of ${fromLabel(earlier)}${isHttpRule(rule) ? ", so this HTTP rule would add nothing" : ""}; ${policy}): drop one`
      : isHttpRule(rule)
        ? `${key}[${first}] is already the HTTP rule for ${fromLabel(earlier)}; ${policy}): put these methods and paths in that entry, which then admits each of its methods on each of its paths (more than the two did), or drop one`
        : `${key}[${first}] is already the HTTP rule for ${fromLabel(earlier)}; ${policy}): drop one`;
    problems.add(`${key}[${j}]`, allowEntry(rule), `one entry per caller (${why}`);
  });
}

/**
 * Reads `apps`: a non-empty list of apps, then the rules that span them. With `stack`, only the apps that run on
 * it (their `stacks` has it, or they set none) are returned, and the references between apps are checked among
 * those.
 */
export function readApps(r: Reader, key: string, v: unknown, stack?: string): readonly AppSettings[] | undefined {
  let index = 0;
  const all = r.list(key, v, (k, x) => readApp(r, k, x, index++), true, "apps");
  if (!all) return undefined;
  const here = stack === undefined ? all : all.filter((a) => a.stacks === undefined || a.stacks.includes(stack));
  checkAppGraph(r, key, here, all, stack);
  checkAppSlos(
    r,
    key,
    all,
    all.map((a) => a.slo),
  );
  return here;
}

/**
 * Rules that span apps: unique names and namespaces (among `all`, the project's list), callers and callees that
 * exist (among `apps`, those of the stack).
 */
export function checkAppGraph(
  r: Reader,
  key: string,
  apps: readonly AppSettings[],
  all: readonly AppSettings[] = apps,
  stack?: string,
): void {
  const before = r.problems.list.length;
  const byName = new Map<string, number>();
  const byNamespace = new Map<string, number>();
  all.forEach((app, i) => {
    const first = byName.get(app.name);
    const firstNs = byNamespace.get(app.namespace);
    // A duplicate name usually brings its (defaulted) namespace along: report the name only.
    if (first !== undefined)
      r.problems.add(`${key}[${i}].name`, app.name, `a name not used by another app (${key}[${first}] has it)`);
    else byName.set(app.name, i);
    if (first !== undefined) return;
    if (firstNs !== undefined) {
      r.problems.add(
        `${key}[${i}].namespace`,
        app.namespace,
        `a namespace not owned by another app (${key}[${firstNs}] owns it)`,
      );
    } else byNamespace.set(app.namespace, i);
  });
  // With duplicates, references below would be ambiguous and only repeat the same mistake.
  if (r.problems.list.length > before) return;
  apps.forEach((app) => {
    const i = app.index;
    app.allowFrom.forEach((rule, j) => {
      const ns = rule.namespace;
      const entryKey = `${key}[${i}].allowFrom[${j}]`;
      if (ns === app.namespace && rule.serviceAccount === undefined)
        r.problems.add(
          entryKey,
          fromLabel(rule),
          "another namespace, or a service account of this one (an app need not allow its whole namespace)",
        );
      else if (ns === PROBE_NAMESPACE)
        r.problems.add(
          entryKey,
          fromLabel(rule),
          `a namespace other than ${PROBE_NAMESPACE}, which the policy check calls from to prove that everyone else is denied`,
        );
      else if (
        app.port !== undefined &&
        isCheckedRule(rule, apps) &&
        checkJobName(app.name, `from-${ns}`) > JOB_NAME_MAX
      ) {
        // Refused even with verifyPolicies off: turning the check on must not make a valid stack invalid.
        r.problems.add(
          `${key}[${i}].allowFrom[${j}]`,
          ns,
          `a shorter app name (${key}[${i}].name) or namespace: the policy-check Job verify-${app.name}-from-${ns}-<8 hex> has ${checkJobName(app.name, `from-${ns}`)} characters, over ${JOB_NAME_MAX}`,
        );
      }
    });
    app.calls.forEach((callee, j) => {
      const target = apps.find((a) => a.name === callee);
      const elsewhere = all.find((a) => a.name === callee);
      if (!target && elsewhere && stack !== undefined)
        r.problems.add(
          `${key}[${i}].calls[${j}]`,
          callee,
          `an app that runs on stack ${stack} (${callee} runs on ${(elsewhere.stacks ?? []).join(", ")}: its stacks)`,
        );
      else if (!target)
        r.problems.add(
          `${key}[${i}].calls[${j}]`,
          callee,
          `the name of an app in ${key} (${all.map((a) => a.name).join(", ")})`,
        );
      else if (target === app) r.problems.add(`${key}[${i}].calls[${j}]`, callee, "another app (not the app itself)");
      else if (target.port === undefined)
        r.problems.add(`${key}[${i}].calls[${j}]`, callee, "an app that has a port to call");
      // The demo caller calls over HTTP.
      else if (app.port === undefined && app.workload && httpPort(target) === undefined)
        r.problems.add(`${key}[${i}].calls[${j}]`, callee, "an app with an HTTP port: the demo caller calls with curl");
    });
  });
}

/**
 * Whether the policy check (verifyPolicies) proves this entry with a call: a whole namespace of an app of the
 * stack, with no HTTP rule. A Job can run only in a namespace the stack creates, and calls `/` with GET.
 */
export function isCheckedRule(rule: AllowRule, apps: readonly { readonly namespace: string }[]): boolean {
  return rule.serviceAccount === undefined && !isHttpRule(rule) && apps.some((a) => a.namespace === rule.namespace);
}
