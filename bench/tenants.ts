// npm run bench:tenants [-- --runs N] [-- --apps 100,300,1000] [-- --sample 20]: the render and the builds Argo CD
// and Flux run, for a project of 2 stacks of N apps each (bench/fleet.ts's apps: servers and their clients, every
// other server behind a waypoint). Per size: `npm run render`'s process (bench/render-project.ts) as on a fresh
// clone (an empty build cache) into a fresh directory, its wall time and peak RSS, for two fleets: the same apps on
// both clusters (each unit of the second stack reads what the first's does, so it is built once), and every app
// scaled differently on each cluster (a patch in each of the second stack's units: every tenant unit built). Then
// `kubectl kustomize` of units of the first fleet's tree, each a whole process as the repo-server and the
// kustomize-controller run it: the cluster unit, and an evenly spread sample of tenant units. Medians of the runs.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeFleet } from "./fleet";
import { flag as flagOf, median, runOnce } from "./measure";

const ROOT = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => flagOf(args, name, fallback);
const RUNS = Number(flag("--runs", "3"));
const SIZES = flag("--apps", "100,300,1000").split(",").map(Number);
const SAMPLE = Number(flag("--sample", "20"));
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs is "${flag("--runs", "")}"; expected an integer >= 1`);
if (SIZES.some((n) => !Number.isInteger(n) || n < 2))
  throw new Error(`--apps is "${flag("--apps", "")}"; expected integers >= 2, comma-separated`);
if (!Number.isInteger(SAMPLE) || SAMPLE < 1)
  throw new Error(`--sample is "${flag("--sample", "")}"; expected an integer >= 1`);
const KUBECTL = process.env.KUBECTL ?? "kubectl";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-bench-tenants-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

/** Every `step`-th of a list, `count` of them at most, from the first. */
const spread = <T>(xs: readonly T[], count: number) =>
  xs.filter((_, i) => i % Math.max(1, Math.floor(xs.length / count)) === 0).slice(0, count);

console.log(`${RUNS} runs per size; medians. ${os.cpus().length} cores. 2 stacks of N apps each.\n`);
console.log(
  "| apps per stack | files | units | render s | render peak MB | render / first size | render s, every app scaled per cluster | peak MB | cluster unit build s | tenant unit build s (median, max of " +
    `${SAMPLE}) |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
);
const render = [process.execPath, "--require", "tsx/cjs", path.join(__dirname, "render-project.ts")];
/** RUNS renders of `project`, each into a fresh directory with an empty build cache; the last tree is kept. */
function renders(project: string, out: string): { seconds: number; mb?: string } {
  const runs: { seconds: number; mb?: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(path.join(project, ".build-cache"), { recursive: true, force: true });
    runs.push(runOnce([...render, project, "--out", out], ROOT, true));
  }
  const mbs = runs.flatMap((r) => (r.mb === undefined ? [] : [r.mb]));
  return { seconds: median(runs.map((r) => r.seconds)), mb: mbs.length > 0 ? median(mbs).toFixed(0) : "n/a" };
}
let first: number | undefined;
for (const n of SIZES) {
  const project = path.join(work, `fleet-${n}`);
  const stacks = writeFleet(project, ROOT, 2, n);
  const scaled = path.join(work, `fleet-${n}-scaled`);
  writeFleet(scaled, ROOT, 2, n, { scaledPerCluster: true });
  const out = path.join(work, `out-${n}`);
  const same = renders(project, out);
  const differ = renders(scaled, path.join(work, `out-${n}-scaled`));
  const tenants = fs.readdirSync(path.join(out, "tenants", stacks[0])).sort();
  const files = fs
    .readFileSync(path.join(out, ".rendered-files"), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#")).length;
  const build = (dir: string) =>
    median(Array.from({ length: RUNS }, () => runOnce([KUBECTL, "kustomize", dir], ROOT).seconds));
  const cluster = build(path.join(out, "clusters", stacks[0]));
  const perTenant = spread(tenants, SAMPLE).map((t) => build(path.join(out, "tenants", stacks[0], t)));
  first ??= same.seconds;
  console.log(
    `| ${n} | ${files} | ${2 * (tenants.length + 1)} | ${same.seconds.toFixed(2)} | ${same.mb} | ${(same.seconds / first).toFixed(1)}x | ${differ.seconds.toFixed(2)} | ${differ.mb} | ${cluster.toFixed(3)} | ${median(perTenant).toFixed(3)}, ${Math.max(...perTenant).toFixed(3)} |`,
  );
  for (const dir of [out, path.join(work, `out-${n}-scaled`), project, scaled])
    fs.rmSync(dir, { recursive: true, force: true });
}
