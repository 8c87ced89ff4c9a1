import { groupBy, labelsMatch } from "./match";

/** Istio's defaults the evaluator assumes: the root namespace and the trust domain of a default install. */
export const ROOT_NAMESPACE = "istio-system";
export const TRUST_DOMAIN = "cluster.local";

type Labels = Readonly<Record<string, string>>;

/** Pods of one controller (or a bare Pod): what the destination's ztunnel knows of them. */
export interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly serviceAccount: string;
  /** Captured by ztunnel: enrolled in ambient, no sidecar, not opted out. */
  readonly inMesh: boolean;
  /** Named container ports, for a Service's named targetPort. */
  readonly namedPorts: ReadonlyMap<string, number>;
}

/** A Gateway of class `istio-waypoint`, and the SPIFFE principal its pods run as. */
export interface Waypoint {
  readonly namespace: string;
  readonly name: string;
  /** `istio.io/waypoint-for`: which traffic it takes (`service` when unset). */
  readonly trafficType: string;
  readonly principal: string;
  /** The waypoint's own service account. */
  readonly serviceAccount: string;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort: number | string;
  /** The waypoint reads HTTP on it (appProtocol or port name says http, http2, grpc...; or says nothing). */
  readonly http: boolean;
}

export interface Service {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ports: readonly ServicePort[];
  /** The workloads its selector picks; one assumed from the selector when none of the manifests matches. */
  readonly backends: readonly Workload[];
  readonly waypoint?: Waypoint;
  /** Why a waypoint the labels ask for is not used (no such Gateway, or one not for services). */
  readonly waypointProblem?: string;
}

export type Action = "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";

export interface TargetRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

/** An AuthorizationPolicy as written; the proxies each read it their own way (policy.ts). */
export interface Policy {
  /** `namespace/name`, as the decisions name it. */
  readonly id: string;
  readonly namespace: string;
  readonly action: Action;
  /** `istio.io/dry-run: "true"`: logged, not enforced. */
  readonly dryRun: boolean;
  /** `selector.matchLabels`; empty when the selector names no label (then it selects no pod in ambient). */
  readonly selector?: Labels;
  readonly targetRefs: readonly TargetRef[];
  readonly rules: readonly Obj[];
}

/** The objects of one cluster the decisions depend on; everything else in the manifests is ignored. */
export interface Mesh {
  /** The mesh's trust domain: the first part of every principal. */
  readonly trustDomain: string;
  readonly namespaces: ReadonlyMap<string, Labels>;
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  readonly waypoints: readonly Waypoint[];
  readonly policies: readonly Policy[];
}

/** The SPIFFE principal of a service account, as policies name it: `cluster.local/ns/<ns>/sa/<sa>`. */
export const principalOf = (namespace: string, serviceAccount: string, trustDomain = TRUST_DOMAIN) =>
  `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;

/** A parsed YAML value read field by field: a missing or mistyped field reads as absent. */
export type Obj = Readonly<Record<string, unknown>>;
export const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
export const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
export const at = (v: unknown, ...path: string[]): unknown => path.reduce((o: unknown, k) => obj(o)[k], v);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

const record = (v: unknown): Labels =>
  Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, string] => typeof e[1] === "string"));

/** The pod template of a workload kind, or undefined for anything that runs no pods. */
function podTemplate(o: Obj): unknown {
  switch (o.kind) {
    case "Pod":
      return o;
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "ReplicationController":
    case "Job":
      return at(o, "spec", "template") ?? {};
    case "CronJob":
      return at(o, "spec", "jobTemplate", "spec", "template") ?? {};
    default:
      return undefined;
  }
}

/**
 * Captured by ztunnel: the pod or its namespace says `istio.io/dataplane-mode: ambient`, the pod does not say
 * `none`, and no sidecar is injected (a sidecar's pod is left to the sidecar). istio-cni's defaults:
 * manifests/charts/istio-cni/values.yaml L59-66, cni/pkg/util/enablement_selector.go L76-89 (1.28.0).
 */
export function capturedByZtunnel(pod: Labels, namespace: Labels): boolean {
  const mode = pod["istio.io/dataplane-mode"];
  if (mode === "none") return false;
  if (pod["sidecar.istio.io/inject"] === "true") return false;
  if (namespace["istio-injection"] === "enabled" && pod["sidecar.istio.io/inject"] !== "false") return false;
  return mode === "ambient" || namespace["istio.io/dataplane-mode"] === "ambient";
}

const HTTP_PROTOCOLS = ["http", "http2", "grpc", "grpc-web", "h2c", "kubernetes.io/h2c", "kubernetes.io/ws"];
const TCP_PROTOCOLS = ["tcp", "tls", "https", "mongo", "mysql", "redis", "udp"];

/** Istio's protocol selection: appProtocol, else the port name's prefix (`http-web`); unknown is sniffed as HTTP. */
function readsHttp(p: unknown): boolean {
  const protocol = (str(at(p, "appProtocol")) ?? (str(at(p, "name")) ?? "").split("-")[0]).toLowerCase();
  if (HTTP_PROTOCOLS.includes(protocol)) return true;
  return !TCP_PROTOCOLS.includes(protocol);
}

interface Meta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

function meta(o: Obj): Meta {
  return {
    name: str(at(o, "metadata", "name")) ?? "",
    // What `kubectl apply` does with a namespaced object that names no namespace.
    namespace: str(at(o, "metadata", "namespace")) ?? "default",
    labels: record(at(o, "metadata", "labels")),
    annotations: record(at(o, "metadata", "annotations")),
  };
}

const ACTIONS: readonly Action[] = ["ALLOW", "DENY", "AUDIT", "CUSTOM"];

function readPolicy(o: Obj): Policy {
  const m = meta(o);
  const spec = obj(o.spec);
  const refs = [...arr(spec.targetRefs), ...(spec.targetRef === undefined ? [] : [spec.targetRef])];
  // `selector:` with no value is no selector (istiod reads a nil one as namespace-wide).
  const selector =
    spec.selector === undefined || spec.selector === null ? undefined : record(at(spec, "selector", "matchLabels"));
  const action = ACTIONS.find((a) => a === spec.action) ?? "ALLOW";
  return {
    id: `${m.namespace}/${m.name}`,
    namespace: m.namespace,
    action,
    // Go's strconv.ParseBool, as istiod reads it (ambient/policies.go).
    dryRun: ["1", "t", "T", "TRUE", "true", "True"].includes(m.annotations["istio.io/dry-run"] ?? ""),
    ...(selector === undefined ? {} : { selector }),
    targetRefs: refs.map((r) => ({
      group: str(at(r, "group")) ?? "",
      kind: str(at(r, "kind")) ?? "",
      name: str(at(r, "name")) ?? "",
    })),
    rules: arr(spec.rules).map(obj),
  };
}

function readWorkload(o: Obj, pod: unknown, namespaces: ReadonlyMap<string, Labels>): Workload {
  const m = meta(o);
  const labels = record(at(pod, "metadata", "labels"));
  const namedPorts = new Map<string, number>();
  for (const c of arr(at(pod, "spec", "containers")))
    for (const p of arr(at(c, "ports"))) {
      const name = str(at(p, "name"));
      const port = at(p, "containerPort");
      if (name !== undefined && typeof port === "number") namedPorts.set(name, port);
    }
  return {
    kind: str(o.kind) ?? "",
    namespace: m.namespace,
    name: m.name,
    labels,
    serviceAccount: str(at(pod, "spec", "serviceAccountName")) ?? str(at(pod, "spec", "serviceAccount")) ?? "default",
    inMesh: capturedByZtunnel(labels, namespaces.get(m.namespace) ?? {}),
    namedPorts,
  };
}

function readService(
  o: Obj,
  workloads: ReadonlyMap<string, readonly Workload[]>,
  namespaces: ReadonlyMap<string, Labels>,
  waypoints: readonly Waypoint[],
): Service | undefined {
  const m = meta(o);
  const selector = record(at(o, "spec", "selector"));
  if (at(o, "spec", "type") === "ExternalName" || Object.keys(selector).length === 0) return undefined;
  const nsLabels = namespaces.get(m.namespace) ?? {};
  let backends = (workloads.get(m.namespace) ?? []).filter((w) => labelsMatch(selector, w.labels));
  // Pods the manifests do not hold (a chart's): assumed to carry the selector's labels and the default account.
  if (backends.length === 0)
    backends = [
      {
        kind: "Pods of the selector",
        namespace: m.namespace,
        name: m.name,
        labels: selector,
        serviceAccount: "default",
        inMesh: capturedByZtunnel(selector, nsLabels),
        namedPorts: new Map(),
      },
    ];
  const ports: ServicePort[] = arr(at(o, "spec", "ports"))
    .filter((p) => typeof at(p, "port") === "number")
    .map((p) => {
      const name = str(at(p, "name"));
      const port = at(p, "port") as number;
      const target = at(p, "targetPort");
      return {
        ...(name === undefined ? {} : { name }),
        port,
        targetPort: typeof target === "number" || typeof target === "string" ? target : port,
        http: readsHttp(p),
      };
    });
  return {
    namespace: m.namespace,
    name: m.name,
    labels: m.labels,
    ports,
    backends,
    ...waypointOf(m.labels, nsLabels, m.namespace, waypoints),
  };
}

/**
 * The mesh of a list of Kubernetes objects. A namespaced object without a namespace is in `default`, as
 * `kubectl apply` puts it; a namespace with no Namespace object has no labels (not enrolled).
 */
export function readMesh(objects: readonly unknown[], trustDomain = TRUST_DOMAIN): Mesh {
  const all = objects.map(obj).filter((o) => typeof o.kind === "string");
  const namespaces = new Map<string, Labels>();
  for (const o of all) if (o.kind === "Namespace") namespaces.set(meta(o).name, meta(o).labels);

  const workloads: Workload[] = [];
  for (const o of all) {
    const pod = podTemplate(o);
    if (pod !== undefined) workloads.push(readWorkload(o, pod, namespaces));
  }
  const byNamespace = groupBy(workloads, (w) => w.namespace);
  const waypoints: Waypoint[] = all
    .filter((o) => o.kind === "Gateway" && at(o, "spec", "gatewayClassName") === "istio-waypoint")
    .map((o) => {
      const m = meta(o);
      return {
        namespace: m.namespace,
        name: m.name,
        trafficType: m.labels["istio.io/waypoint-for"] ?? "service",
        // The waypoint's pods run as a service account named after the Gateway, unless an annotation names
        // another (deploymentcontroller.go L493, L526; conversion.go L1599-1604).
        serviceAccount: m.annotations["gateway.istio.io/service-account"] ?? m.name,
        principal: principalOf(m.namespace, m.annotations["gateway.istio.io/service-account"] ?? m.name, trustDomain),
      };
    });
  const services = all
    .filter((o) => o.kind === "Service")
    .flatMap((o) => readService(o, byNamespace, namespaces, waypoints) ?? []);
  const policies = all
    .filter((o) => o.kind === "AuthorizationPolicy" && (str(o.apiVersion) ?? "").startsWith("security.istio.io/"))
    .map(readPolicy);
  return { trustDomain, namespaces, workloads, services, waypoints, policies };
}

/**
 * The waypoint a Service's traffic goes through: the Service's `istio.io/use-waypoint` label, else its
 * namespace's; `none` on the Service opts it out. `istio.io/use-waypoint-namespace`, next to the label used, names
 * another namespace's waypoint. A label naming no Gateway, or one not for service traffic, means none: the
 * traffic goes to the pods (ambient/waypoints.go L100-173, L196-213, L240-254).
 */
function waypointOf(
  service: Labels,
  namespace: Labels,
  ns: string,
  waypoints: readonly Waypoint[],
): { waypoint?: Waypoint; waypointProblem?: string } {
  const from = service["istio.io/use-waypoint"] !== undefined ? service : namespace;
  const name = from["istio.io/use-waypoint"];
  if (name === undefined || name === "none") return {};
  const where = from["istio.io/use-waypoint-namespace"] ?? ns;
  const waypoint = waypoints.find((w) => w.namespace === where && w.name === name);
  if (waypoint === undefined)
    return { waypointProblem: `uses waypoint ${where}/${name}, which is not a Gateway of class istio-waypoint here` };
  if (waypoint.trafficType !== "service" && waypoint.trafficType !== "all")
    return {
      waypointProblem: `uses waypoint ${where}/${name}, which is for ${waypoint.trafficType} traffic, not service`,
    };
  return { waypoint };
}

/** The port the destination's ztunnel sees: the Service's targetPort, a name resolved on the backend's pods. */
export function targetPortOf(port: ServicePort, backend: Workload): number {
  if (typeof port.targetPort === "number") return port.targetPort;
  const n = Number(port.targetPort);
  if (Number.isInteger(n) && String(n) === port.targetPort) return n;
  return backend.namedPorts.get(port.targetPort) ?? port.port;
}
