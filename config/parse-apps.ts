import { Reader } from "./readers";
import { AppSettings } from "./settings";

const APP_KEYS = [
  "name",
  "namespace",
  "image",
  "args",
  "port",
  "replicas",
  "waypoint",
  "global",
  "allowFrom",
  "calls",
  "callIntervalSeconds",
  "healthPath",
] as const;

// An absolute HTTP path, no query or spaces: what a kubelet httpGet probe requests.
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** Reads one `apps[i]` entry; cross-app rules (duplicates, unknown callers) are checked by `checkAppGraph`. */
export function readApp(r: Reader, key: string, v: unknown): AppSettings | undefined {
  const o = r.object(key, v, APP_KEYS);
  if (!o) return undefined;
  const field = (k: string) => `${key}.${k}`;
  const optional = <T>(k: string, read: (key: string, x: unknown) => T | undefined, fallback: T): T | undefined =>
    o[k] === undefined ? fallback : read(field(k), o[k]);

  const name = o.name === undefined ? r.problems.missing(field("name"), "a DNS-1123 label naming the app") : r.dnsLabel(field("name"), o.name);
  const namespace = o.namespace === undefined ? name : r.dnsLabel(field("namespace"), o.namespace);
  const image = o.image === undefined ? r.problems.missing(field("image"), "an image reference with a tag or a digest") : r.image(field("image"), o.image);
  const args = optional("args", (k, x) => r.list(k, x, (ik, s) => (typeof s === "string" ? s : r.problems.add(ik, s, "a string")), false, "strings"), [] as string[]);
  const port = o.port === undefined ? undefined : r.integer(field("port"), o.port, 1, 65535);
  const replicas = optional("replicas", (k, x) => r.integer(k, x, 0, 100), 1);
  const waypoint = optional("waypoint", (k, x) => r.boolean(k, x), false);
  const global = optional("global", (k, x) => r.boolean(k, x), false);
  const allowFrom = optional("allowFrom", (k, x) => r.list(k, x, (ik, s) => r.dnsLabel(ik, s), true, "namespaces"), [] as string[]);
  const calls = optional("calls", (k, x) => r.list(k, x, (ik, s) => r.dnsLabel(ik, s), true, "app names"), [] as string[]);
  const callIntervalSeconds = optional("callIntervalSeconds", (k, x) => r.integer(k, x, 1, 3600), 5);
  const healthPath = optional("healthPath", (k, x) => (typeof x === "string" && HTTP_PATH.test(x) ? x : r.problems.add(k, x, "an absolute HTTP path such as /health")), "/");

  if (calls && calls.length > 0 && o.port !== undefined) {
    r.problems.add(field("port"), o.port, `no port on an app with "calls": a traffic client serves nothing`);
  }
  if (calls && calls.length > 0 && o.args !== undefined) {
    r.problems.add(field("args"), o.args, `no args on an app with "calls": its command is the generated call loop`);
  }
  if (
    name === undefined || namespace === undefined || image === undefined || args === undefined || replicas === undefined ||
    waypoint === undefined || global === undefined || allowFrom === undefined || calls === undefined ||
    callIntervalSeconds === undefined || healthPath === undefined || (o.port !== undefined && port === undefined)
  ) {
    return undefined;
  }
  return { name, namespace, image, args, port, replicas, waypoint, global, allowFrom, calls, callIntervalSeconds, healthPath };
}

/** Rules that span apps: unique names and namespaces, callers and callees that exist. */
export function checkAppGraph(r: Reader, key: string, apps: readonly AppSettings[]): void {
  const before = r.problems.list.length;
  const byName = new Map<string, number>();
  const byNamespace = new Map<string, number>();
  apps.forEach((app, i) => {
    const first = byName.get(app.name);
    const firstNs = byNamespace.get(app.namespace);
    // A duplicate name usually brings its (defaulted) namespace along: report the name only.
    if (first !== undefined) r.problems.add(`${key}[${i}].name`, app.name, `a name not used by another app (${key}[${first}] has it)`);
    else byName.set(app.name, i);
    if (first !== undefined) return;
    if (firstNs !== undefined) {
      r.problems.add(`${key}[${i}].namespace`, app.namespace, `a namespace not owned by another app (${key}[${firstNs}] owns it)`);
    } else byNamespace.set(app.namespace, i);
  });
  // With duplicates, references below would be ambiguous and only repeat the same mistake.
  if (r.problems.list.length > before) return;
  const namespaces = apps.map((a) => a.namespace);
  apps.forEach((app, i) => {
    app.allowFrom.forEach((ns, j) => {
      if (ns === app.namespace) r.problems.add(`${key}[${i}].allowFrom[${j}]`, ns, "another app's namespace (an app need not allow itself)");
      else if (!namespaces.includes(ns)) r.problems.add(`${key}[${i}].allowFrom[${j}]`, ns, `the namespace of an app in ${key} (${namespaces.join(", ")})`);
    });
    app.calls.forEach((callee, j) => {
      const target = apps.find((a) => a.name === callee);
      if (!target) r.problems.add(`${key}[${i}].calls[${j}]`, callee, `the name of an app in ${key} (${apps.map((a) => a.name).join(", ")})`);
      else if (target.port === undefined) r.problems.add(`${key}[${i}].calls[${j}]`, callee, "an app that has a port to call");
      else if (target === app) r.problems.add(`${key}[${i}].calls[${j}]`, callee, "another app");
    });
  });
}
