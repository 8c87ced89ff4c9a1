import { admitsApp } from "../../config/allow-from";
import { ObservedApp, ObservedCluster } from "./settings";

// DNS labels have no '_', so '-' -> '_' is one-to-one and keeps ids Mermaid can parse after '-->'.
const id = (prefix: string, name: string) => `${prefix}_${name.replace(/-/g, "_")}`;

function nodeLabel(app: ObservedApp): string {
  const traits = app.serves ? ["serves", app.waypoint ? "waypoint" : "no waypoint: L4 policy only"] : ["client"];
  if (app.global) traits.push("global Service");
  return `"${app.name}<br/>${traits.join(" · ")}"`;
}

/**
 * A Mermaid flowchart of one cluster: a box per namespace, its app, and arrows for who may call whom.
 * Solid: the caller calls and is allowed. Dotted: allowed, not called. Red: called but not allowed (the
 * deny-by-default policies refuse it). Deterministic: apps in config order, edges sorted.
 */
export function meshMap(cluster: ObservedCluster): string {
  const lines = [
    "---",
    `title: ${cluster.clusterName} (stack ${cluster.stack}, network ${cluster.network})`,
    "---",
    "flowchart LR",
  ];
  for (const app of cluster.apps) {
    lines.push(
      `  subgraph ${id("ns", app.namespace)}["namespace ${app.namespace}"]`,
      `    ${id("app", app.name)}[${nodeLabel(app)}]`,
      "  end",
    );
  }
  const edges: { from: string; to: string; line: string; denied: boolean }[] = [];
  for (const callee of cluster.apps) {
    // An app never allows or calls itself (the config refuses both), so it draws no edge to itself.
    for (const caller of cluster.apps) {
      const allowed = admitsApp(callee.allowFrom, caller);
      const calls = caller.calls.includes(callee.name);
      if (!allowed && !calls) continue;
      const arrow = calls && allowed ? "-->|calls|" : allowed ? "-.->|may call|" : "-->|calls, denied|";
      edges.push({
        from: caller.name,
        to: callee.name,
        line: `  ${id("app", caller.name)} ${arrow} ${id("app", callee.name)}`,
        denied: calls && !allowed,
      });
    }
  }
  edges.sort((a, b) => (a.from === b.from ? a.to.localeCompare(b.to) : a.from.localeCompare(b.from)));
  lines.push(...edges.map((e) => e.line));
  const waypointed = cluster.apps.filter((a) => a.waypoint).map((a) => id("app", a.name));
  const global = cluster.apps.filter((a) => a.global).map((a) => id("app", a.name));
  lines.push("  classDef waypoint stroke:#7b3fe4,stroke-width:3px", "  classDef global fill:#e8f4ff");
  if (waypointed.length > 0) lines.push(`  class ${waypointed.join(",")} waypoint`);
  if (global.length > 0) lines.push(`  class ${global.join(",")} global`);
  edges.forEach((e, i) => e.denied && lines.push(`  linkStyle ${i} stroke:#d32f2f,color:#d32f2f`));
  return `${lines.join("\n")}\n`;
}
