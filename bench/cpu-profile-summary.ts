// Where a `node --cpu-prof` profile spends its time: self time summed by package (or project directory), and
// the top functions. For docs/performance.md, "Where the time goes".
//
//   node --cpu-prof --cpu-prof-dir /tmp/prof <script...>
//   ts-node --transpile-only bench/cpu-profile-summary.ts /tmp/prof/*.cpuprofile
import * as fs from "fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script URL belongs to (`@pulumi/pulumi`, `typescript`), or its project directory. */
export function owner(url: string): string {
  if (url === "") return "(native: gc, file reads, compiling)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith("node:")) return "(node internals)";
  const m = /\/(capture|render|config|components|scripts|bench|tests)\//.exec(url);
  return m ? `project ${m[1]}/` : url.replace(/^file:\/\//, "");
}

/** Self milliseconds per owner and per function, largest first. */
export function summarize(profile: Profile): { total: number; byOwner: [string, number][]; byFunction: [string, number][] } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const n = nodes.get(id)!;
    const o = owner(n.callFrame.url);
    const name = n.callFrame.functionName || "(anonymous)";
    if (name === "(idle)") return;
    total += ms;
    byOwner.set(o, (byOwner.get(o) ?? 0) + ms);
    const fn = `${name} (${o}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ""})`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { total, byOwner: sorted(byOwner), byFunction: sorted(byFunction) };
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const s = summarize(JSON.parse(fs.readFileSync(file, "utf8")) as Profile);
    console.log(`${file}: ${s.total.toFixed(0)} ms sampled (idle excluded)`);
    for (const [o, ms] of s.byOwner.slice(0, 15)) console.log(`  ${((100 * ms) / s.total).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${o}`);
    console.log("  top functions (self time):");
    for (const [f, ms] of s.byFunction.slice(0, 12)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${f}`);
  }
}
