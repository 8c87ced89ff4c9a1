import { MeshSettings } from "../config/schema";
import { AccessEvaluator, callerName, targetName } from "../access/evaluate";
import { readMesh } from "../access/model";
import { callersOf } from "./access-proof";

/**
 * The cluster's access matrix for gitops/README.md, computed by the access evaluator from the planned objects (not
 * from the config): per Service port, who gets in, through which proxy and by which policy, of the identities the
 * access proof checks (every app's accounts, each namespace's `default`, the waypoints, allowFrom's callers and a
 * namespace outside the apps). At L4: a caller an HTTP rule admits gets in for the requests that rule names.
 */
export function accessMapMarkdown(settings: MeshSettings, manifests: readonly unknown[]): string {
  const ev = new AccessEvaluator(readMesh(manifests, settings.trustDomain));
  const callers = callersOf(settings);
  const rows = ev.targets().map((t) => {
    const decisions = callers.map((c) => ev.decide(c, t));
    const allowed = decisions.filter((d) => d.verdict === "allow");
    const who =
      allowed.length === 0
        ? "nobody"
        : allowed
            .map((d) => `\`${d.source}\` (${d.decidedBy.map((p) => `\`${p}\``).join(", ") || "no policy"})`)
            .join("<br>");
    const proxy = t.service.waypoint
      ? `waypoint \`${t.service.waypoint.namespace}/${t.service.waypoint.name}\``
      : "ztunnel";
    return `| \`${targetName(t)}\` | ${who} | ${proxy} | ${decisions.length - allowed.length} |`;
  });
  const checked = callers.map((c) => `\`${callerName(c)}\``).join(", ");
  return `### ${settings.clusterName}

${rows.length === 0 ? "No Service: nothing to reach." : `| Destination | Allowed callers (by policy) | Decided by | Denied callers |\n| --- | --- | --- | ---: |\n${rows.join("\n")}`}

Callers checked: ${checked}.
`;
}
