import { AccessEvaluator, Decision } from "./evaluate";
import { readMesh } from "./model";

/** A pair whose L4 verdict differs between two manifest sets. A pair absent from one side counts as denied there. */
export interface AccessChange {
  readonly source: string;
  readonly destination: string;
  readonly before?: Decision;
  readonly after?: Decision;
}

function decisions(objects: readonly unknown[], trustDomain?: string): Map<string, Decision> {
  const ev = new AccessEvaluator(readMesh(objects, trustDomain));
  const out = new Map<string, Decision>();
  const targets = ev.targets();
  for (const c of ev.callers())
    for (const t of targets) {
      const d = ev.decide(c, t);
      out.set(`${d.source} -> ${d.destination}`, d);
    }
  return out;
}

const allowed = (d: Decision | undefined) => d?.verdict === "allow";

/** The pairs whose verdict or enforcing proxy changes from `base` to `head`, sorted by caller then destination. */
export function accessChanges(
  base: readonly unknown[],
  head: readonly unknown[],
  trustDomain?: string,
): AccessChange[] {
  const before = decisions(base, trustDomain);
  const after = decisions(head, trustDomain);
  const changes: AccessChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    const same = allowed(b) === allowed(a) && (!allowed(a) || b?.enforcedBy === a?.enforcedBy);
    if (same) continue;
    const [source, destination] = key.split(" -> ");
    changes.push({ source, destination, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) });
  }
  return changes.sort((x, y) =>
    x.source < y.source ? -1 : x.source > y.source ? 1 : x.destination < y.destination ? -1 : 1,
  );
}

const state = (d: Decision | undefined) =>
  d === undefined
    ? "absent"
    : d.verdict === "allow"
      ? `allowed (${d.enforcedBy})`
      : `denied (${d.enforcedBy}: ${d.decidedBy.join(", ")})`;

/** `finance/finance -> accounts.accounts:8080: now allowed (waypoint), was denied (waypoint: accounts/deny-all)`. */
export function changeLine(c: AccessChange): string {
  return `${c.source} -> ${c.destination}: now ${state(c.after)}, was ${state(c.before)}`;
}
