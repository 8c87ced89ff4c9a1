import { AccessEvaluator, Decision, HttpRequest } from "../../access/evaluate";
import { readMesh } from "../../access/model";

/** Kubernetes objects for the evaluator's tests, built here: no sample, no rendered tree. */
export type Obj = Record<string, unknown>;

const AMBIENT = { "istio.io/dataplane-mode": "ambient" };

export function namespace(name: string, labels: Record<string, string> = AMBIENT): Obj {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

/** A Deployment running as `sa` (its own name by default), its container port `http` 8080. */
export function deployment(ns: string, name: string, opts: { sa?: string; labels?: Record<string, string> } = {}): Obj {
  const labels = { app: name, ...opts.labels };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          ...(opts.sa === "" ? {} : { serviceAccountName: opts.sa ?? name }),
          containers: [{ name, image: "x", ports: [{ name: "http", containerPort: 8080 }] }],
        },
      },
    },
  };
}

/** A Service on port 80 to the pods' `http` port (8080), unless told otherwise. */
export function service(ns: string, name: string, opts: { labels?: Record<string, string>; ports?: Obj[] } = {}): Obj {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ns, labels: opts.labels ?? {} },
    spec: { selector: { app: name }, ports: opts.ports ?? [{ name: "http", port: 80, targetPort: "http" }] },
  };
}

export function waypoint(ns: string, name = "waypoint", labels: Record<string, string> = {}): Obj {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name, namespace: ns, labels },
    spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] },
  };
}

export function policy(ns: string, name: string, spec: Obj, annotations?: Record<string, string>): Obj {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

export const TO_WAYPOINT = { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }] };

/** A server `api` in namespace `api` and a caller `web` in `web`, both in ambient: the base most tests extend. */
export function basics(): Obj[] {
  return [
    namespace("api"),
    namespace("web"),
    deployment("api", "api"),
    service("api", "api"),
    deployment("web", "web"),
  ];
}

export const GET = { method: "GET", path: "/" };

/** api behind its waypoint (namespace label), deny-all at both proxies, the waypoint let through ztunnel. */
export function behindWaypoint(...extra: Obj[]): Obj[] {
  return [
    namespace("api", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" }),
    namespace("web"),
    deployment("api", "api"),
    service("api", "api"),
    deployment("web", "web"),
    waypoint("api"),
    policy("api", "deny-all", {}),
    policy("api", "waypoint-deny-all", { ...TO_WAYPOINT }),
    policy("api", "allow-waypoint", {
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/api/sa/waypoint"] } }] }],
    }),
    ...extra,
  ];
}

/** An ALLOW at api's waypoint for namespace web, with more of the rule when given. */
export const allowWeb = (rule: Obj = {}): Obj =>
  policy("api", "allow-web", { ...TO_WAYPOINT, rules: [{ from: [{ source: { namespaces: ["web"] } }], ...rule }] });

/** The decision for `NS/SA -> SERVICE.NS:PORT`, the caller as the manifests run it (or in the mesh). */
export function decide(objects: readonly Obj[], query: string, request?: HttpRequest): Decision {
  const ev = new AccessEvaluator(readMesh(structuredClone(objects)));
  const m = /^(\S+)\/(\S+) -> ([^.]+)\.([^:]+):(\d+)$/.exec(query);
  if (!m) throw new Error(`bad test query ${query}`);
  const [, ns, sa, svc, svcNs, port] = m;
  const t = ev
    .targets()
    .find((x) => x.service.name === svc && x.service.namespace === svcNs && x.port.port === Number(port));
  if (!t) throw new Error(`no target ${svc}.${svcNs}:${port}`);
  const c = ev.callers().find((x) => x.namespace === ns && x.serviceAccount === sa) ?? {
    namespace: ns,
    serviceAccount: sa,
    inMesh: true,
  };
  return ev.decide(c, t, request);
}

/** verdict, proxy and policies in one string, so a failure shows all three. */
export const brief = (d: Decision) => `${d.verdict} ${d.enforcedBy} [${d.decidedBy.join(" ")}]`;
