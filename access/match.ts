/**
 * Istio's string patterns, as AuthorizationPolicy fields use them (principals, namespaces, paths, hosts): `*`
 * alone matches any non-empty value, `*suffix` a suffix, `prefix*` a prefix (a leading `*` is read first),
 * anything else exactly (istiod authorization.go L604-627). ztunnel reads them the same way (istio/ztunnel src/rbac.rs, `StringMatch`); the waypoint gets them as Envoy string matchers
 * (istio/istio pilot/pkg/security/authz/matcher/string.go). Hosts are compared case-insensitively.
 */
export function istioMatch(pattern: string, value: string): boolean {
  // `*` alone is presence: any non-empty value. A leading `*` is read first, so `*x*` is the suffix `x*`.
  if (pattern === "*") return value !== "";
  if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

export const anyMatch = (patterns: readonly string[], value: string) => patterns.some((p) => istioMatch(p, value));

/** A label selector's matchLabels against a pod's labels: every pair present. */
export function labelsMatch(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>) {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Items by a key, each group in the items' order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
