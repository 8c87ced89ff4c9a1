import { parseArgs } from "util";
import { AccessEvaluator, Caller, Target } from "./evaluate";
import { accessChanges, changeLine } from "./diff";
import { lintMesh } from "./lint";
import { AccessInputError, loadManifests, renderedClusters } from "./load";
import { readMesh, TRUST_DOMAIN } from "./model";
import { allPairs, decisionLine, Sink, writeJson, writeMatrix } from "./output";
import { parseQuery, Query } from "./query";

export const USAGE = `usage: npm run access -- --manifests PATH [--query "NS/SA -> SERVICE.NS:PORT [METHOD PATH]"]... [--json] [--trust-domain TD]
       npm run access -- --manifests PATH --lint [--json]
       npm run access -- --diff BASE HEAD [--json]
PATH: a YAML file, a kustomization directory (built with kubectl kustomize), or a directory of YAML files.
TD: the mesh's trust domain (default cluster.local).
BASE, HEAD: two such paths, or two trees npm run render wrote (compared cluster by cluster).`;

export interface Io {
  readonly out: Sink;
  readonly err: Sink;
}

function options(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        manifests: { type: "string" },
        query: { type: "string", multiple: true },
        json: { type: "boolean" },
        lint: { type: "boolean" },
        diff: { type: "boolean" },
        "trust-domain": { type: "string", default: TRUST_DOMAIN },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new AccessInputError((e as Error).message);
  }
}

/** Manifest sets to compare: one per rendered cluster when both paths are rendered trees, else the two paths. */
function diffSets(base: string, head: string): [string, unknown[], unknown[]][] {
  const b = renderedClusters(base);
  const h = renderedClusters(head);
  if (b.size === 0 && h.size === 0) return [["", loadManifests(base), loadManifests(head)]];
  if (b.size === 0 || h.size === 0)
    throw new AccessInputError(
      `--diff ${base} ${head}: one is a rendered tree (clusters/<stack>/) and the other is not; compare like with like`,
    );
  return [...new Set([...b.keys(), ...h.keys()])].map((stack) => [
    stack,
    b.has(stack) ? loadManifests(b.get(stack)!) : [],
    h.has(stack) ? loadManifests(h.get(stack)!) : [],
  ]);
}

function runDiff(base: string, head: string, json: boolean, trustDomain: string, io: Io): number {
  const sets = diffSets(base, head);
  const results = sets.map(([cluster, b, h]) => ({ cluster, changes: accessChanges(b, h, trustDomain) }));
  if (json) {
    const view = (d: { verdict: string; enforcedBy: string; decidedBy: readonly string[] } | undefined) =>
      d ? { verdict: d.verdict, enforcedBy: d.enforcedBy, decidedBy: d.decidedBy } : null;
    const changes = results.flatMap(({ cluster, changes }) =>
      changes.map((c) => ({
        ...(cluster ? { cluster } : {}),
        source: c.source,
        destination: c.destination,
        before: view(c.before),
        after: view(c.after),
      })),
    );
    io.out.write(`${JSON.stringify({ changes }, null, 2)}\n`);
    return 0;
  }
  for (const { cluster, changes } of results) {
    const where = cluster ? `${cluster}: ` : "";
    if (changes.length === 0) io.out.write(`${where}no access changes\n`);
    else {
      io.out.write(`${where}${changes.length} access change(s)\n`);
      for (const c of changes) io.out.write(`  ${changeLine(c)}\n`);
    }
  }
  return 0;
}

/** `npm run access`; returns the exit code: 0 done, 1 lint warnings found, 2 bad input. */
export function runAccess(argv: readonly string[], io: Io): number {
  try {
    const { values, positionals } = options(argv);
    if (values.help) {
      io.out.write(`${USAGE}\n`);
      return 0;
    }
    if (values.diff) {
      if (positionals.length !== 2)
        throw new AccessInputError(`--diff needs two paths, BASE and HEAD; got ${positionals.length}`);
      return runDiff(positionals[0], positionals[1], values.json === true, values["trust-domain"], io);
    }
    if (positionals.length > 0) throw new AccessInputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.manifests === undefined)
      throw new AccessInputError("--manifests PATH is required (or --diff BASE HEAD)");
    const ev = new AccessEvaluator(readMesh(loadManifests(values.manifests), values["trust-domain"]));
    if (values.lint) {
      const warnings = lintMesh(ev);
      if (values.json) io.out.write(`${JSON.stringify({ warnings }, null, 2)}\n`);
      else for (const w of warnings) io.out.write(`warning: ${w.object}: ${w.message}\n`);
      if (!values.json) io.out.write(`${warnings.length} warning(s)\n`);
      return warnings.length > 0 ? 1 : 0;
    }
    const queries: Query[] = (values.query ?? []).map((q) => parseQuery(q, ev));
    for (const q of queries) if (q.assumed !== undefined) io.err.write(`note: ${q.assumed}\n`);
    if (queries.length > 0) {
      const decisions = queries.map((q) => ev.decide(q.caller, q.target, q.request));
      if (values.json) writeJson(io.out, decisions);
      else for (const d of decisions) io.out.write(`${decisionLine(d)}\n`);
      return 0;
    }
    const callers: Caller[] = ev.callers();
    const targets: Target[] = ev.targets();
    if (callers.length === 0 || targets.length === 0)
      throw new AccessInputError(
        `--manifests ${values.manifests}: ${callers.length === 0 ? "no workload (no caller)" : "no Service with a selector (no destination)"} in the manifests`,
      );
    if (values.json) writeJson(io.out, allPairs(ev, callers, targets));
    else writeMatrix(io.out, ev, callers, targets);
    return 0;
  } catch (e) {
    if (e instanceof AccessInputError) {
      io.err.write(`npm run access: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}
