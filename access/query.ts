import { AccessEvaluator, Caller, HttpRequest, Target } from "./evaluate";
import { AccessInputError } from "./load";
import { capturedByZtunnel } from "./model";
import { identitiesNamed } from "./policy";

/** One `--query`: a caller, a Service port, and an HTTP request when it names one. */
export interface Query {
  readonly caller: Caller;
  readonly target: Target;
  readonly request?: HttpRequest;
  /** Set when the caller's namespace is not in the manifests: what was assumed of it, for the user to read. */
  readonly assumed?: string;
}

const FORM =
  '"NAMESPACE/SERVICEACCOUNT -> SERVICE.NAMESPACE:PORT [METHOD PATH]", such as "finance/finance -> accounts.accounts:8080 GET /"';
const SHAPE = /^\s*([a-z0-9.-]+)\/([a-z0-9.-]+)\s*->\s*([a-z0-9-]+)\.([a-z0-9-]+):(\d+)(?:\s+([A-Za-z]+)\s+(\S+))?\s*$/;

/**
 * Reads `--query` against the mesh: the Service and port must be in the manifests. A caller whose namespace the
 * manifests do not hold but a policy names (an allowFrom entry such as `admin/console`) is judged as in the ambient
 * mesh, the only way it has an identity to be allowed by, and the query says so (`assumed`).
 */
export function parseQuery(text: string, evaluator: AccessEvaluator): Query {
  const m = SHAPE.exec(text);
  if (!m) throw new AccessInputError(`--query ${JSON.stringify(text)} is not ${FORM}`);
  const [, ns, sa, svc, svcNs, port, method, path] = m;
  const service = evaluator.mesh.services.find((s) => s.name === svc && s.namespace === svcNs);
  if (!service)
    throw new AccessInputError(
      `--query ${JSON.stringify(text)}: no Service ${svcNs}/${svc} (with a selector) in the manifests`,
    );
  const servicePort = service.ports.find((p) => p.port === Number(port));
  if (!servicePort)
    throw new AccessInputError(
      `--query ${JSON.stringify(text)}: Service ${svcNs}/${svc} has no port ${port}; it has ${service.ports.map((p) => p.port).join(", ") || "none"}`,
    );
  const known = evaluator.callers().find((c) => c.namespace === ns && c.serviceAccount === sa);
  const nsLabels = evaluator.mesh.namespaces.get(ns);
  const unknown = !known && nsLabels === undefined && !evaluator.mesh.workloads.some((w) => w.namespace === ns);
  // A namespace neither the manifests nor any policy names is more likely a typo (`wbe/web`) than a caller.
  if (unknown && !namedByPolicies(evaluator, ns))
    throw new AccessInputError(
      `--query ${JSON.stringify(text)}: namespace ${ns} is not in the manifests (no Namespace object, no workload) and no policy names it`,
    );
  const caller = known ?? {
    namespace: ns,
    serviceAccount: sa,
    inMesh: unknown || capturedByZtunnel({}, nsLabels ?? {}),
  };
  if (path !== undefined && !path.startsWith("/"))
    throw new AccessInputError(`--query ${JSON.stringify(text)}: the path ${JSON.stringify(path)} must start with /`);
  return {
    caller,
    target: { service, port: servicePort },
    ...(method !== undefined ? { request: { method: method.toUpperCase(), path } } : {}),
    ...(unknown
      ? {
          assumed: `--query ${JSON.stringify(text)}: namespace ${ns} is not in the manifests (no Namespace object, no workload); judged as in the ambient mesh, with the identity ${ns}/${sa}. Outside the mesh it would have none, and only policies that admit callers without one would let it in`,
        }
      : {}),
  };
}

/** Whether some policy names a caller of namespace `ns` (or names callers by a pattern, which may match it). */
function namedByPolicies(evaluator: AccessEvaluator, ns: string): boolean {
  const named = identitiesNamed(evaluator.mesh.policies);
  return (
    named === undefined ||
    named.namespaces.has(ns) ||
    [...named.principals].some((p) => p.includes(`/ns/${ns}/`)) ||
    [...named.accounts].some((a) => a.startsWith(`${ns}/`))
  );
}
