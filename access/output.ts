import { AccessEvaluator, Caller, callerName, Decision, Target, targetName } from "./evaluate";

/** Writes text in large chunks: a million decisions are about 140 MB of JSON, never held as one string. */
export interface Sink {
  write(text: string): void;
}

const CHUNK = 1 << 20;

const q = JSON.stringify;

/** One decision, keys in a fixed order, `method` and `path` only when asked: `{"source": "finance/finance", ...}`. */
function decisionJson(d: Decision): string {
  const request = d.method === undefined ? "" : `, "method": ${q(d.method)}, "path": ${q(d.path)}`;
  return `{"source": ${q(d.source)}, "destination": ${q(d.destination)}${request}, "verdict": "${d.verdict}", "enforcedBy": "${d.enforcedBy}", "decidedBy": [${d.decidedBy.map((p) => q(p)).join(", ")}]}`;
}

/** Decisions as `{"decisions": [...]}` on one line, written in chunks as they are computed. */
export function writeJson(sink: Sink, decisions: Iterable<Decision>): void {
  let buf = '{"decisions": [';
  let first = true;
  for (const d of decisions) {
    buf += (first ? "" : ", ") + decisionJson(d);
    first = false;
    if (buf.length >= CHUNK) {
      sink.write(buf);
      buf = "";
    }
  }
  sink.write(`${buf}]}\n`);
}

/** Every caller against every target, callers outer, in the given orders. */
export function* allPairs(
  ev: AccessEvaluator,
  callers: readonly Caller[],
  targets: readonly Target[],
): Iterable<Decision> {
  for (const c of callers) for (const t of targets) yield ev.decide(c, t);
}

const MARK = { waypoint: "W", ztunnel: "Z", none: "-" } as const;

/**
 * The readable matrix: a row per caller, a column per Service port (numbered, named below). `W` allowed through
 * the waypoint, `Z` allowed by the destination's ztunnel, `-` allowed with no proxy in the way (destination
 * outside the mesh), `.` denied.
 */
export function writeMatrix(
  sink: Sink,
  ev: AccessEvaluator,
  callers: readonly Caller[],
  targets: readonly Target[],
): void {
  const names = callers.map((c) => callerName(c) + (c.inMesh ? "" : " (outside the mesh)"));
  const width = Math.max(6, ...names.map((n) => n.length));
  const col = String(targets.length).length + 1;
  sink.write(`${"caller".padEnd(width)} ${targets.map((_, i) => String(i + 1).padStart(col)).join("")}\n`);
  callers.forEach((c, i) => {
    const cells = targets.map((t) => {
      const d = ev.decide(c, t);
      return (d.verdict === "allow" ? MARK[d.enforcedBy] : ".").padStart(col);
    });
    sink.write(`${names[i].padEnd(width)} ${cells.join("")}\n`);
  });
  sink.write(
    `\n${targets.map((t, i) => `${String(i + 1).padStart(col)}  ${targetName(t)}${t.service.waypoint ? ` (waypoint ${t.service.waypoint.namespace}/${t.service.waypoint.name})` : ""}`).join("\n")}\n`,
  );
  sink.write(
    "\nW allowed, through the waypoint   Z allowed, by the destination's ztunnel   - allowed, destination outside the mesh   . denied\n",
  );
}

/** One line per query decision: `caller -> destination [METHOD PATH]: verdict (proxy; policies)`. */
export function decisionLine(d: Decision): string {
  const request = d.method === undefined ? "" : ` ${d.method} ${d.path}`;
  const by = d.decidedBy.length > 0 ? `; ${d.decidedBy.join(", ")}` : "; no policy applies";
  return `${d.source} -> ${d.destination}${request}: ${d.verdict} (${d.enforcedBy}${by})`;
}
