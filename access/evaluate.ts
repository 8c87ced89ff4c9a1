import { Mesh, Policy, principalOf, ROOT_NAMESPACE, Service, ServicePort, targetPortOf, Workload } from "./model";
import {
  Connection,
  identitiesNamed,
  NamedIdentities,
  Peer,
  proxyVerdict,
  ProxyVerdict,
  Scope,
  scopeOf,
  waypointScope,
  ztunnelScope,
} from "./policy";
import { groupBy } from "./match";

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
  readonly scope: Scope;
  /** The port its ztunnel sees: the Service port's target on these pods. */
  readonly port: number;
}

/** What a destination port needs for every caller, worked out once: its proxies and their policies. */
interface Prepared {
  readonly target: Target;
  readonly name: string;
  readonly waypoint?: { readonly peer: Peer; readonly scope: Scope };
  readonly backends: readonly Backend[];
  readonly host: string;
}

/**
 * Who can reach whom in one cluster, as Istio ambient decides it. A request to a Service with a waypoint goes
 * through it when the caller is in the mesh (its ztunnel sends it there, ztunnel outbound.rs L459-503); the
 * waypoint judges the caller's identity by the policies attached to it, on the Service port (outbound.rs L496),
 * then the destination's ztunnel judges the waypoint's identity, the connection's TLS peer (inbound.rs
 * L121-128), by the workload's own policies, on the pod's target port (inbound.rs L562-592). Without a waypoint,
 * or from outside the mesh (no identity: inbound_passthrough.rs L144-155), only the destination's ztunnel judges.
 * docs/access.md gives each rule with the lines of istiod and ztunnel it comes from.
 */
export class AccessEvaluator {
  private readonly prepared = new Map<Target, Prepared>();
  private readonly identities = new WeakMap<Caller, { readonly name: string; readonly peer: Peer | undefined }>();

  /** Policies by namespace: a proxy only ever looks at its own namespace's, the Service's and the root's. */
  private readonly policiesIn: ReadonlyMap<string, readonly Policy[]>;

  constructor(readonly mesh: Mesh) {
    this.policiesIn = groupBy(mesh.policies, (p) => p.namespace);
  }

  private near(...namespaces: string[]): Policy[] {
    return [...new Set([...namespaces, ROOT_NAMESPACE])].flatMap((ns) => this.policiesIn.get(ns) ?? []);
  }

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
              peer: { namespace: wp.namespace, serviceAccount: wp.serviceAccount, principal: wp.principal },
              scope: scopeOf(
                waypointScope(this.near(wp.namespace, service.namespace), wp, service),
                port.http ? "http" : "tcp",
              ),
            },
          }
        : {}),
      backends: service.backends
        .filter((w) => w.inMesh)
        .map((workload) => ({
          workload,
          scope: scopeOf(ztunnelScope(this.near(workload.namespace), workload), "ztunnel"),
          port: targetPortOf(port, workload),
        })),
    };
    this.prepared.set(target, p);
    return p;
  }

  /** The destination ztunnels' decision for a peer: denied when any backend's ztunnel denies. */
  private ztunnel(p: Prepared, peer: Peer | undefined): ProxyVerdict {
    if (p.backends.length === 1) return proxyVerdict(p.backends[0].scope, { peer, port: p.backends[0].port });
    const decidedBy = new Set<string>();
    for (const b of p.backends) {
      const v = proxyVerdict(b.scope, { peer, port: b.port });
      if (!v.allow) return v;
      for (const id of v.decidedBy) decidedBy.add(id);
    }
    return { allow: true, decidedBy: [...decidedBy] };
  }

  /** The caller's name and the identity the proxies see (none outside the mesh), worked out once per caller. */
  private identity(caller: Caller): { readonly name: string; readonly peer: Peer | undefined } {
    let id = this.identities.get(caller);
    if (id === undefined) {
      const { namespace, serviceAccount } = caller;
      const principal = principalOf(namespace, serviceAccount, this.mesh.trustDomain);
      id = { name: callerName(caller), peer: caller.inMesh ? { namespace, serviceAccount, principal } : undefined };
      this.identities.set(caller, id);
    }
    return id;
  }

  /**
   * The caller identities the policies judging this target name, or undefined when one is a pattern. Callers it
   * names none of are judged alike: checking one of them stands for all, which keeps a check of every caller
   * against every Service linear in practice.
   */
  identitiesNamed(target: Target): NamedIdentities | undefined {
    const p = this.prepare(target);
    return identitiesNamed([...(p.waypoint?.scope.policies ?? []), ...p.backends.flatMap((b) => b.scope.policies)]);
  }

  /**
   * The destination ztunnel's decision for a caller that reaches the pods directly (their IP, not the Service's),
   * which skips a service waypoint (ztunnel outbound.rs L569-609): behind a waypoint, the pods' own policies
   * must refuse everyone but the waypoint, or this is a way around it.
   */
  bypassingWaypoint(caller: Caller, target: Target): Decision {
    const p = this.prepare(target);
    const { name, peer } = this.identity(caller);
    if (p.backends.length === 0)
      return { source: name, destination: p.name, verdict: "allow", enforcedBy: "none", decidedBy: [] };
    const z = this.ztunnel(p, peer);
    return {
      source: name,
      destination: p.name,
      verdict: z.allow ? "allow" : "deny",
      enforcedBy: "ztunnel",
      decidedBy: z.decidedBy,
    };
  }

  decide(caller: Caller, target: Target, request?: HttpRequest): Decision {
    const p = this.prepare(target);
    const { name, peer } = this.identity(caller);
    const decision = (verdict: "allow" | "deny", enforcedBy: EnforcedBy, decidedBy: readonly string[]): Decision =>
      request === undefined
        ? { source: name, destination: p.name, verdict, enforcedBy, decidedBy }
        : {
            source: name,
            destination: p.name,
            method: request.method,
            path: request.path,
            verdict,
            enforcedBy,
            decidedBy,
          };
    if (p.waypoint && peer) {
      const conn: Connection = {
        peer,
        port: target.port.port,
        request: request === undefined ? undefined : { method: request.method, path: request.path, host: p.host },
      };
      const w = proxyVerdict(p.waypoint.scope, conn);
      if (!w.allow) return decision("deny", "waypoint", w.decidedBy);
      const z = this.ztunnel(p, p.waypoint.peer);
      if (!z.allow) return decision("deny", "ztunnel", z.decidedBy);
      return decision("allow", "waypoint", w.decidedBy);
    }
    if (p.backends.length === 0) return decision("allow", "none", []);
    const z = this.ztunnel(p, peer);
    return decision(z.allow ? "allow" : "deny", "ztunnel", z.decidedBy);
  }
}
