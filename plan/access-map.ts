import { MeshSettings } from "../config/schema";
import { AccessEvaluator, callerName, targetName } from "../access/evaluate";
import { readMesh } from "../access/model";
import { callersOf, callersToCheck } from "./access-proof";

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
    // Callers the policies do not name are judged as the outsider is: one decision stands for all of them.
    const checked = callersToCheck(ev, t, callers, []);
    const decisions = checked.map((c) => ev.decide(c, t));
    const allowed = decisions.filter((d) => d.verdict === "allow");
    const others = callers.all.length - checked.length;
    const outsiderAllowed = allowed.some((d) => d.source === callerName(callers.outsider));
    const who = allowed.map((d) => `\`${d.source}\` (${d.decidedBy.map((p) => `\`${p}\``).join(", ") || "no policy"})`);
    if (outsiderAllowed && others > 0) who.push(`${others} other caller(s), as \`${callerName(callers.outsider)}\``);
    const proxy = t.service.waypoint
      ? `waypoint \`${t.service.waypoint.namespace}/${t.service.waypoint.name}\``
      : "ztunnel";
    const denied = callers.all.length - allowed.length - (outsiderAllowed ? others : 0);
    return `| \`${targetName(t)}\` | ${who.length === 0 ? "nobody" : who.join("<br>")} | ${proxy} | ${denied} |`;
  });
  // Named one by one while the list stays readable; a large mesh gets the count.
  const checked =
    callers.all.length <= 20
      ? callers.all.map((c) => `\`${callerName(c)}\``).join(", ")
      : `${callers.all.length} (every app's service accounts, each app namespace's \`default\`, the waypoints, the callers \`allowFrom\` names, and \`${callerName(callers.outsider)}\`)`;
  // A chart's app (workload: false): its policies are planned, but its Service and pods are the chart's, so they
  // are not in the manifests the table is computed from.
  const charts = settings.apps.filter((a) => !a.workload).map((a) => `\`${a.name}\``);
  const chartNote =
    charts.length === 0
      ? ""
      : `\nNot in the table: ${charts.join(", ")} (\`workload: false\`): the app's own chart deploys its Service and pods, which the table is computed from; its policies are in the tree.\n`;
  return `### ${settings.clusterName}

${rows.length === 0 ? "No Service: nothing to reach." : `| Destination | Allowed callers (by policy) | Decided by | Denied callers |\n| --- | --- | --- | ---: |\n${rows.join("\n")}`}

Callers checked: ${checked}.
${chartNote}`;
}
