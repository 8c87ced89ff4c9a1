import { Mesh, Policy, principalOf, Service, ServicePort, targetPortOf, Workload } from "./model";
import { Connection, Mode, Peer, proxyVerdict, waypointScope, ztunnelScope } from "./policy";

/** A caller: its namespace and service account, and whether its pods are in the ambient mesh. */
export interface Caller {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly inMesh: boolean;
}

/** One port of one Service. */
export interface Target {
  readonly service: Service;
  readonly port: ServicePort;
}

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
}

export type EnforcedBy = "waypoint" | "ztunnel" | "none";

/** The answer for one caller and one destination port (and request, when asked). The JSON of `npm run access`. */
export interface Decision {
  readonly source: string;
  readonly destination: string;
  readonly method?: string;
  readonly path?: string;
  readonly verdict: "allow" | "deny";
  readonly enforcedBy: EnforcedBy;
  readonly decidedBy: readonly string[];
}

export const callerName = (c: Pick<Caller, "namespace" | "serviceAccount">) => `${c.namespace}/${c.serviceAccount}`;
export const targetName = (t: Target) => `${t.service.name}.${t.service.namespace}:${t.port.port}`;

interface Backend {
  readonly workload: Workload;
  readonly policies: readonly Policy[];
}

/** What a destination port needs for every caller, worked out once: its proxies and their policies. */
interface Prepared {
  readonly target: Target;
  readonly name: string;
  readonly waypoint?: { readonly peer: Peer; readonly policies: readonly Policy[]; readonly mode: Mode };
  readonly backends: readonly Backend[];
  readonly host: string;
}

/**
 * Who can reach whom in one cluster, as Istio ambient decides it. A request to a Service with a waypoint goes
 * through it when the caller is in the mesh (its ztunnel sends it there); the waypoint judges the caller's
 * identity by the policies attached to it, then the destination's ztunnel judges the waypoint's identity by the
 * workload's own policies. Without a waypoint, or from outside the mesh, only the destination's ztunnel judges.
 * docs/access.md gives each rule with the lines of istiod and ztunnel it comes from.
 */
export class AccessEvaluator {
  private readonly prepared = new Map<Target, Prepared>();

  constructor(readonly mesh: Mesh) {}

  /** Every Service port of the mesh, in the order of the manifests. */
  targets(): Target[] {
    return this.mesh.services.flatMap((service) => service.ports.map((port) => ({ service, port })));
  }

  /** Every caller the manifests run: each workload's namespace and service account, once. */
  callers(): Caller[] {
    const seen = new Map<string, Caller>();
    for (const w of this.mesh.workloads) {
      const c = { namespace: w.namespace, serviceAccount: w.serviceAccount, inMesh: w.inMesh };
      const key = callerName(c);
      // One service account in and out of the mesh at once: judge it as the mesh sees it.
      if (!seen.has(key) || c.inMesh) seen.set(key, c);
    }
    return [...seen.values()];
  }

  private prepare(target: Target): Prepared {
    let p = this.prepared.get(target);
    if (p) return p;
    const { service, port } = target;
    const wp = service.waypoint;
    p = {
      target,
      name: targetName(target),
      // The cluster domain, which a default install shares with the trust domain.
      host: `${service.name}.${service.namespace}.svc.cluster.local`,
      ...(wp
        ? {
            waypoint: {
              peer: { namespace: wp.namespace, serviceAccount: wp.name, principal: wp.principal },
              policies: waypointScope(this.mesh.policies, wp, service),
              mode: port.http ? "http" : "tcp",
            },
          }
        : {}),
      backends: service.backends
        .filter((w) => w.inMesh)
        .map((workload) => ({ workload, policies: ztunnelScope(this.mesh.policies, workload) })),
    };
    this.prepared.set(target, p);
    return p;
  }

  /** The destination ztunnels' decision for a peer: denied when any backend's ztunnel denies. */
  private ztunnel(p: Prepared, peer: Peer | undefined): { allow: boolean; decidedBy: readonly string[] } {
    const decidedBy = new Set<string>();
    for (const b of p.backends) {
      const conn: Connection = { ...(peer ? { peer } : {}), port: targetPortOf(p.target.port, b.workload) };
      const v = proxyVerdict(b.policies, conn, "ztunnel");
      if (!v.allow) return v;
      for (const id of v.decidedBy) decidedBy.add(id);
    }
    return { allow: true, decidedBy: [...decidedBy] };
  }

  decide(caller: Caller, target: Target, request?: HttpRequest): Decision {
    const p = this.prepare(target);
    const base = {
      source: callerName(caller),
      destination: p.name,
      ...(request ? { method: request.method, path: request.path } : {}),
    };
    const peer: Peer | undefined = caller.inMesh
      ? {
          namespace: caller.namespace,
          serviceAccount: caller.serviceAccount,
          principal: principalOf(caller.namespace, caller.serviceAccount, this.mesh.trustDomain),
        }
      : undefined;
    if (p.waypoint && peer) {
      const conn: Connection = {
        peer,
        port: target.port.port,
        ...(request ? { request: { ...request, host: p.host } } : {}),
      };
      const w = proxyVerdict(p.waypoint.policies, conn, p.waypoint.mode);
      if (!w.allow) return { ...base, verdict: "deny", enforcedBy: "waypoint", decidedBy: w.decidedBy };
      const z = this.ztunnel(p, p.waypoint.peer);
      if (!z.allow) return { ...base, verdict: "deny", enforcedBy: "ztunnel", decidedBy: z.decidedBy };
      return { ...base, verdict: "allow", enforcedBy: "waypoint", decidedBy: w.decidedBy };
    }
    if (p.backends.length === 0) return { ...base, verdict: "allow", enforcedBy: "none", decidedBy: [] };
    const z = this.ztunnel(p, peer);
    return { ...base, verdict: z.allow ? "allow" : "deny", enforcedBy: "ztunnel", decidedBy: z.decidedBy };
  }
}
