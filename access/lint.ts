import { AccessEvaluator } from "./evaluate";
import { Policy, ROOT_NAMESPACE, targetPortOf } from "./model";
import { httpFieldsOf, policyMatch, proxyVerdict, refKind, scopeOf, ztunnelScope } from "./policy";

/** One finding of `npm run access -- --lint`: the object it concerns and what it does not do. */
export interface LintWarning {
  readonly object: string;
  readonly message: string;
}

const enforcedByZtunnel = (p: Policy) =>
  (p.action === "ALLOW" || p.action === "DENY") && !p.dryRun && p.targetRefs.length === 0;

/** Policies and Services that do not do what they look like, in the order of the manifests. */
export function lintMesh(ev: AccessEvaluator): LintWarning[] {
  const { mesh } = ev;
  const warnings: LintWarning[] = [];
  const warn = (object: string, message: string) => warnings.push({ object, message });

  for (const p of mesh.policies) {
    if (p.action === "CUSTOM")
      warn(
        `AuthorizationPolicy ${p.id}`,
        `CUSTOM: ${p.targetRefs.length > 0 ? "the waypoint asks the external authorizer, whose answer no manifest holds; the evaluator leaves it out" : "ztunnel does not enforce CUSTOM (istiod authorization.go L412-424), and without targetRefs no waypoint does"}`,
      );
    if (p.selector !== undefined && Object.keys(p.selector).length === 0)
      warn(
        `AuthorizationPolicy ${p.id}`,
        "its selector names no label: istiod attaches selector policies by their labels, and whether an empty one selects every pod or none is not settled here (the evaluator reads none); name the labels, or drop the selector for the whole namespace",
      );
    // HTTP fields where ztunnel enforces: istiod's handleRule drops the ALLOW rule, or the fields of the DENY rule.
    if (enforcedByZtunnel(p))
      p.rules.forEach((rule, i) => {
        const fields = httpFieldsOf(rule);
        if (fields.length === 0) return;
        const what =
          p.action === "ALLOW"
            ? "istiod drops the rule for ztunnel, so it never allows anything"
            : "istiod keeps the rule without them: an entry that keeps an L4 field denies more than it says, and a DENY entry left with no L4 field never matches";
        warn(
          `AuthorizationPolicy ${p.id}`,
          `rules[${i}] has HTTP fields (${fields.join(", ")}) but the policy has no targetRefs: ztunnel enforces it and sees no HTTP; ${what}. Attach it to a waypoint with targetRefs`,
        );
      });
    for (const ref of p.targetRefs) {
      const kind = refKind(ref);
      if (kind === undefined)
        warn(
          `AuthorizationPolicy ${p.id}`,
          `targetRefs names ${ref.kind || "(no kind)"} ${ref.name} of group "${ref.group}": a waypoint attaches a policy only to a Gateway or the GatewayClass (group gateway.networking.k8s.io), a Service (group "" or core) or a ServiceEntry (networking.istio.io), so this targetRef applies nowhere`,
        );
      else if (kind === "GatewayClass" && (ref.name !== "istio-waypoint" || p.namespace !== ROOT_NAMESPACE))
        warn(
          `AuthorizationPolicy ${p.id}`,
          `targetRefs names GatewayClass ${ref.name}: only GatewayClass istio-waypoint, from the root namespace ${ROOT_NAMESPACE}, attaches a policy to every waypoint, so this targetRef applies nowhere`,
        );
      else if (kind === "Service") {
        const svc = mesh.services.find((s) => s.name === ref.name && s.namespace === p.namespace);
        if (svc === undefined)
          warn(
            `AuthorizationPolicy ${p.id}`,
            `targetRefs names Service ${p.namespace}/${ref.name}, which is not a Service with a selector in the manifests: the policy applies nowhere`,
          );
        else if (svc.waypoint === undefined)
          warn(
            `AuthorizationPolicy ${p.id}`,
            `targetRefs names Service ${p.namespace}/${ref.name}, which uses no waypoint${svc.waypointProblem ? ` (it ${svc.waypointProblem})` : ""}: only a waypoint enforces targetRefs policies, so this one applies nowhere`,
          );
      } else if (kind === "Gateway" && !mesh.waypoints.some((w) => w.namespace === p.namespace && w.name === ref.name))
        warn(
          `AuthorizationPolicy ${p.id}`,
          `targetRefs names Gateway ${p.namespace}/${ref.name}, which is not a waypoint in the manifests: the policy applies nowhere`,
        );
    }
  }

  for (const svc of mesh.services) {
    if (svc.waypointProblem)
      warn(`Service ${svc.namespace}/${svc.name}`, `${svc.waypointProblem}: its traffic goes to the pods directly`);
    const wp = svc.waypoint;
    if (!wp) continue;
    const peer = { namespace: wp.namespace, serviceAccount: wp.serviceAccount, principal: wp.principal };
    for (const backend of svc.backends.filter((b) => b.inMesh)) {
      const policies = ztunnelScope(mesh.policies, backend);
      for (const port of svc.ports) {
        const v = proxyVerdict(scopeOf(policies, "ztunnel"), { peer, port: targetPortOf(port, backend) });
        if (!v.allow)
          warn(
            `Service ${svc.namespace}/${svc.name}`,
            `port ${port.port}: the ztunnel of ${backend.kind} ${backend.namespace}/${backend.name} denies the Service's own waypoint (${wp.principal}) by ${v.decidedBy.join(", ")}: every request through the waypoint is refused. Allow that principal in the workload's policies`,
          );
      }
      // A caller check on the pods of a waypoint's Service: behind the waypoint, ztunnel only ever sees the waypoint.
      for (const p of policies) {
        const namesCallers = p.rules.some((r) => Array.isArray(r.from) && r.from.length > 0);
        if (p.action !== "ALLOW" || !namesCallers) continue;
        // On none of the Service's ports does the waypoint get in by this policy.
        const ports = svc.ports.map((sp) => targetPortOf(sp, backend));
        if (ports.length > 0 && ports.every((port) => policyMatch(p, { peer, port }, "ztunnel") === 0))
          warn(
            `AuthorizationPolicy ${p.id}`,
            `selects ${backend.kind} ${backend.namespace}/${backend.name}, behind waypoint ${wp.namespace}/${wp.name}: ztunnel sees the waypoint's identity there, never the callers this policy names, so it allows none of them. Attach it to the waypoint with targetRefs`,
          );
      }
    }
  }
  // One warning per finding, however many Services share the workload.
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.object}\n${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
