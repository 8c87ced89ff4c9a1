import { Problems } from "./problems";

/**
 * Namespaces a tenant may not own: the cluster's own, Istio's root namespace (a policy there applies to the
 * whole mesh), the GitOps controllers', and the policy check's probe namespace (it must stay unallowed).
 */
/** The namespace the policy check creates to call from (components/verify-job-spec.ts): enrolled, allowed by no app. */
export const PROBE_NAMESPACE = "mesh-lab-probe";

export const reservedNamespaces = (): ReadonlyMap<string, string> =>
  new Map([
    ["default", "the cluster's default namespace"],
    ["kube-system", "a Kubernetes system namespace"],
    ["kube-public", "a Kubernetes system namespace"],
    ["kube-node-lease", "a Kubernetes system namespace"],
    ["istio-system", "Istio's root namespace: a policy there applies to the whole mesh"],
    ["argocd", "Argo CD's namespace"],
    ["flux-system", "Flux's namespace"],
    [PROBE_NAMESPACE, "the policy check's probe namespace, which no app may allow"],
  ]);

/** Why `ns` cannot be a tenant's namespace, or undefined when it can. */
export function reservedNamespace(ns: string): string | undefined {
  return (
    reservedNamespaces().get(ns) ??
    (ns.startsWith("kube-") ? "kube-* namespaces are reserved for Kubernetes" : undefined)
  );
}

/** The waypoint's own ServiceAccount: an app of that name would share its identity and pass its ALLOW rule. */
export const WAYPOINT_NAME = "waypoint";

// Apps name Services, whose names are DNS-1035 labels (they must start with a letter).
const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_1035_RULE =
  "a DNS-1035 label (lowercase letters, digits and '-', 1-63 characters, starting with a letter, ending alphanumeric): it names a Service";

/** `verify-<app>-from-<ns>-<8 hex>` (components/policy-check.ts): Job names become a 63-character label value. */
export const JOB_NAME_MAX = 63;
export function checkJobName(app: string, role: string): number {
  return `verify-${app}-${role}-`.length + 8;
}

/** Per-app name rules that are not a plain DNS label check. */
/** What the name rules read of an app (an `AppSettings`; structural, so this module needs no import of it). */
interface NamedApp {
  readonly name: string;
  readonly namespace: string;
  readonly port?: number;
}

export function checkAppNames(problems: Problems, key: string, app: NamedApp, namespaceSet: boolean): void {
  if (!DNS_1035.test(app.name)) problems.add(`${key}.name`, app.name, DNS_1035_RULE);
  else if (app.name === WAYPOINT_NAME)
    problems.add(
      `${key}.name`,
      app.name,
      `a name other than "${WAYPOINT_NAME}": it is the waypoint's ServiceAccount, so the app would pass the rule that admits the waypoint`,
    );
  const why = reservedNamespace(app.namespace);
  if (why)
    problems.add(
      `${key}.${namespaceSet ? "namespace" : "name"}`,
      app.namespace,
      `a namespace the app owns, not ${app.namespace} (${why})`,
    );
  const denied = checkJobName(app.name, "denied");
  if (app.port !== undefined && denied > JOB_NAME_MAX)
    problems.add(
      `${key}.name`,
      app.name,
      `a name of at most ${app.name.length - (denied - JOB_NAME_MAX)} characters: its policy-check Job verify-${app.name}-denied-<8 hex> must fit ${JOB_NAME_MAX}`,
    );
}

/** Duplicate entries of a string list (`allowFrom`, `calls`), each named by its key. */
export function checkDuplicates(problems: Problems, key: string, list: readonly string[]): void {
  list.forEach((x, j) => {
    const first = list.indexOf(x);
    if (first !== j) problems.add(`${key}[${j}]`, x, `an entry not already listed (${key}[${first}] has it)`);
  });
}

/** The Argo CD Application `mesh-lab-<stack>` must be a DNS-1123 label too (Argo CD tracks it in a label value). */
export const STACK_NAME_MAX = JOB_NAME_MAX - "mesh-lab-".length;
const STACK_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why a stack name cannot name the objects derived from it, or undefined when it can. */
export function stackNameProblem(stack: string): string | undefined {
  if (STACK_NAME.test(stack) && stack.length <= STACK_NAME_MAX) return undefined;
  return `stack name ${JSON.stringify(stack)} cannot name its Kubernetes objects (Argo CD Application mesh-lab-<stack>, gitops/clusters/<stack>): expected lowercase letters, digits and '-', starting and ending alphanumeric, at most ${STACK_NAME_MAX} characters. Pulumi allows '_', '.' and capitals in stack names; Kubernetes names do not. Rename Pulumi.${stack}.yaml (pulumi stack rename)`;
}
