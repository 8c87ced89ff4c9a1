// npm run bench:access [-- --runs N] [-- --sizes 100,300,1000]: the access evaluator on generated clusters of N
// tenants (N callers x N Service ports). Two rows per size: the evaluation of the whole L4 matrix in this process
// (what `npm run render` and `pulumi up` pay per stack), and `npm run access -- --manifests FILE --json` as a
// whole process, with its peak memory. Medians; the last column is the time per million pairs, flat when the
// cost grows linearly with pairs.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AccessEvaluator } from "../access/evaluate";
import { readMesh } from "../access/model";
import { accessMesh, accessMeshYaml } from "./access-mesh";
import { flag as flagOf, median, runOnce } from "./measure";

const ROOT = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => flagOf(args, name, fallback);
const RUNS = Number(flag("--runs", "5"));
const SIZES = flag("--sizes", "100,300,1000").split(",").map(Number);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs is "${flag("--runs", "")}"; expected an integer >= 1`);
if (SIZES.some((n) => !Number.isInteger(n) || n < 2))
  throw new Error(`--sizes is "${flag("--sizes", "")}"; expected integers >= 2, comma-separated`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-bench-access-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

/** The whole L4 matrix, evaluated in this process; seconds. */
function evaluate(objects: readonly unknown[]): number {
  const start = process.hrtime.bigint();
  const ev = new AccessEvaluator(readMesh(structuredClone(objects)));
  const targets = ev.targets();
  let allowed = 0;
  for (const c of ev.callers()) for (const t of targets) if (ev.decide(c, t).verdict === "allow") allowed++;
  if (allowed === 0) throw new Error("the generated mesh allows nobody: the bench measures nothing");
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** `npm run access -- --manifests file --json` as a process, output discarded; seconds and peak RSS in MB. */
const command = (file: string) =>
  runOnce(
    [process.execPath, "--require", "tsx/cjs", path.join(ROOT, "scripts", "access.ts"), "--manifests", file, "--json"],
    ROOT,
    true,
  );

console.log(`${RUNS} runs per row after one warm-up, medians. ${os.cpus().length} cores.\n`);
console.log("| tenants (pairs) | what | median s | peak MB | s per 10^6 pairs |\n| --- | --- | ---: | ---: | ---: |");
for (const n of SIZES) {
  const objects = accessMesh(n);
  const file = path.join(work, `mesh-${n}.yaml`);
  fs.writeFileSync(file, accessMeshYaml(n));
  const pairs = n * n;
  const perMillion = (s: number) => ((s / pairs) * 1e6).toFixed(2);
  evaluate(objects);
  command(file);
  const inProcess: number[] = [];
  const process_: { seconds: number; mb?: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    inProcess.push(evaluate(objects));
    process_.push(command(file));
  }
  const e = median(inProcess);
  const c = median(process_.map((p) => p.seconds));
  const mb = process_.every((p) => p.mb !== undefined) ? median(process_.map((p) => p.mb!)).toFixed(0) : "n/a";
  console.log(
    `| ${n} (${pairs.toLocaleString("en")}) | evaluation of the L4 matrix, in process | ${e.toFixed(2)} | | ${perMillion(e)} |`,
  );
  console.log(
    `| ${n} (${pairs.toLocaleString("en")}) | \`npm run access -- --manifests FILE --json\` (its node process) | ${c.toFixed(2)} | ${mb} | ${perMillion(c)} |`,
  );
}
