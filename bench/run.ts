// npm run bench [-- --runs N] [-- --quick]: one table of medians of whole-process runs, ratios from the same
// run, the targets computed from them; a full run writes docs/performance.md and its charts.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listStacks, loadStackConfig } from "../config/project-files";
import { writeDoc } from "./doc";
import { writeFleet } from "./fleet";
import { Command, median, rssMethod, runOnce, Sample } from "./measure";
import { writeOverlayObjects } from "./objects-json";
import { machine, Row, textTable } from "./report";
import { computeTargets } from "./targets";
import { languageHostLaunch } from "./language-host";
import { transpileBenchFile, transpileProgramStart } from "./transpile";

const ROOT = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runsArg = args.indexOf("--runs");
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 1 : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs is "${args[runsArg + 1]}"; expected an integer >= 1`);
const FLEET_STACKS = quick ? [2, 8] : [2, 50, 200];
const FLEET_APPS = [2, 20];

const LAST_RUN = path.join(ROOT, "docs", "performance", "last-run.json");

/** What a run measured, saved beside the doc so the doc and charts can be rewritten without measuring again. */
interface SavedRun {
  readonly rows: Row[];
  readonly runs: number;
  readonly started: string;
  readonly machine: string;
  readonly fleetStacks: readonly number[];
}

const node = process.execPath;
// The render as `npm run render` loads it (plain JavaScript: its cached bundle) and cdk8s compiled to plain
// JavaScript: neither pays a TypeScript loader.
const renderProject = path.join(ROOT, "bench", "render-project.js");
let cdk8s = "";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-bench-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
const log = (s: string) => process.stderr.write(`${s}\n`);
let fresh = 0;
const freshDir = (name: string) => path.join(work, "out", `${name}-${++fresh}`);

interface Measured {
  readonly id: string;
  readonly label: string;
  /** A new command per run (fresh output directories). */
  readonly command?: () => Command;
  readonly skipped?: string;
}

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
const noKubectl = kubectl.status === 0 ? undefined : "kubectl not found on PATH";

// What npm test keeps between runs: the type check's build info, the tls mock's keys, the render bundle its child
// processes load, and the overlay builds of the tests' renders.
const TEST_CACHES = ["tsc-check.tsbuildinfo", "test-keys", "bundles", "test-builds"].map((f) => `node_modules/.cache/mesh-lab/${f}`);
const TEST_FRESH = "npm test as on a fresh clone (those caches removed first, tsx cache off)";

function setup(): (() => Measured[])[] {
  const stacks = listStacks(ROOT);
  const programStart = transpileProgramStart(ROOT);
  cdk8s = transpileBenchFile(ROOT, "cdk8s-synth");
  const config = JSON.stringify(loadStackConfig(ROOT, stacks[0]).raw);
  const repoObjects = path.join(work, "repo-objects.json");
  writeOverlayObjects(path.join(ROOT, "gitops"), stacks, repoObjects);
  const host = languageHostLaunch(ROOT);
  // As `pulumi up` starts it: Pulumi.yaml's nodeargs before the script, its runtime options in the environment.
  const start = (extraEnv: Record<string, string> = {}): Command => ({
    cmd: node,
    args: [...host.nodeArgs, programStart, ROOT, stacks[0]],
    cwd: ROOT,
    env: { PULUMI_CONFIG: config, ...host.env, ...extraEnv },
  });
  // Pulumi's default for a TypeScript project (no runtime options, index.ts as the entry): ts-node with
  // tsconfig.json, type-checking.
  const startDefault = (): Command => ({ cmd: node, args: [programStart, ROOT, stacks[0]], cwd: ROOT, env: { PULUMI_CONFIG: config, PULUMI_NODEJS_TYPESCRIPT: "true", BENCH_ENTRY: "index.ts" } });
  const sdk = 'require("@pulumi/pulumi"); require("@pulumi/kubernetes")';
  const groups: (() => Measured[])[] = [
    () => [
      { id: "floor", label: "SDK floor: node requires @pulumi/pulumi and @pulumi/kubernetes", command: () => ({ cmd: node, args: ["-e", sdk], cwd: ROOT }) },
      { id: "floor-cache", label: "the same with Node's compile cache on (what the program's preload turns on)", command: () => ({ cmd: node, args: ["-e", `require("module").enableCompileCache(); ${sdk}`], cwd: ROOT }) },
      { id: "start", label: `program start as pulumi up starts it (Pulumi.yaml runtime options, run.js), ${stacks[0]}, to the last registration`, command: () => start() },
      {
        id: "start-cold",
        label: "the same, first run after npm ci (empty compile cache, tsx cache off)",
        command: () => start({ NODE_COMPILE_CACHE: fs.mkdtempSync(path.join(work, "compile-cache-")), TSX_DISABLE_CACHE: "1" }),
      },
      quick
        ? { id: "start-default", label: "Pulumi's default instead (typescript: true: ts-node, type-checking)", skipped: "--quick" }
        : { id: "start-default", label: "Pulumi's default instead (typescript: true: ts-node, type-checking)", command: startDefault },
    ],
    () => [
      { id: "render-repo", label: `npm run render -- --check (${stacks.join(", ")})`, command: () => ({ cmd: npm, args: ["run", "-s", "render", "--", "--check"], cwd: ROOT }) },
      { id: "cdk8s-repo", label: "cdk8s synth of the same objects", command: () => ({ cmd: node, args: [cdk8s, repoObjects, freshDir("cdk8s-repo")], cwd: ROOT }) },
    ],
  ];
  groups.push(() =>
    quick
      ? [
          { id: "test", label: "npm test", skipped: "--quick" },
          { id: "test-fresh", label: TEST_FRESH, skipped: "--quick" },
          { id: "typecheck", label: "npm run typecheck (tsc --noEmit, checking)", skipped: "--quick" },
        ]
      : [
          { id: "test", label: "npm test", command: () => ({ cmd: npm, args: ["test"], cwd: ROOT }) },
          { id: "test-fresh", label: TEST_FRESH, command: () => ({ cmd: "sh", args: ["-c", `rm -rf ${TEST_CACHES.join(" ")} && exec "$0" test`, npm], cwd: ROOT, env: { TSX_DISABLE_CACHE: "1" } }) },
          { id: "typecheck", label: "npm run typecheck (tsc --noEmit, checking)", command: () => ({ cmd: npm, args: ["run", "-s", "typecheck"], cwd: ROOT }) },
        ],
  );
  // Fleets last, smallest first: the largest take longest, and a run cut short still has everything else.
  for (const apps of FLEET_APPS) for (const n of FLEET_STACKS) groups.push(() => fleetGroup(n, apps));
  return groups;
}

/** One fleet, generated and rendered once (untimed) when its group starts: render, cdk8s and kustomize rows. */
function fleetGroup(n: number, apps: number): Measured[] {
  const id = `${n}x${apps}`;
  const dir = path.join(work, `fleet-${id}`);
  const names = writeFleet(dir, ROOT, n, apps);
  log(`setup: fleet ${id}: rendering once to get its objects`);
  const pre = path.join(dir, "pre");
  runOnce({ cmd: node, args: [renderProject, dir, "--out", pre], cwd: ROOT });
  const objects = path.join(dir, "objects.json");
  const what = `${n} stacks x ${apps} apps (${writeOverlayObjects(pre, names, objects)} objects)`;
  const kustomize = 'mkdir -p "$2" && for d in "$1"/clusters/*/; do kubectl kustomize "$d" > "$2/$(basename "$d").yaml" || exit 1; done';
  return [
    // The untimed render above filled the fleet's build cache: this row is a re-render of unchanged stacks.
    { id: `render-${id}`, label: `fleet ${what}: mesh-lab render, overlays from the build cache`, command: () => ({ cmd: node, args: [renderProject, dir, "--out", freshDir(`render-${id}`)], cwd: ROOT }) },
    {
      id: `render-cold-${id}`,
      label: `fleet ${what}: mesh-lab render --no-build-cache, every overlay built`,
      command: () => ({ cmd: node, args: [renderProject, dir, "--out", freshDir(`render-cold-${id}`), "--no-build-cache"], cwd: ROOT }),
    },
    { id: `cdk8s-${id}`, label: `fleet ${what}: cdk8s synth`, command: () => ({ cmd: node, args: [cdk8s, objects, freshDir(`cdk8s-${id}`)], cwd: ROOT }) },
    noKubectl
      ? { id: `kustomize-${id}`, label: `fleet ${what}: kubectl kustomize, every overlay`, skipped: noKubectl }
      : { id: `kustomize-${id}`, label: `fleet ${what}: kubectl kustomize, every overlay`, command: () => ({ cmd: "sh", args: ["-c", kustomize, "sh", pre, freshDir(`kustomize-${id}`)], cwd: ROOT }) },
  ];
}

async function main(): Promise<void> {
  log(`bench: ${RUNS} run(s) per row${quick ? " (--quick)" : ""}; work dir ${work}`);
  const started = new Date();
  const host = machine(rssMethod());
  const rows: Row[] = [];
  for (const makeGroup of setup()) {
    const group = makeGroup();
    // Rows of a group alternate run by run, so load on the shared machine hits them alike.
    const samples = new Map<string, Sample[]>(group.map((m) => [m.id, []]));
    const failed = new Map<string, string>();
    let runs = RUNS;
    for (let r = 0; r < runs; r++) {
      const roundStart = Date.now();
      for (const m of group) {
        if (!m.command) continue;
        if (failed.has(m.id)) continue;
        try {
          const s = runOnce(m.command());
          samples.get(m.id)!.push(s);
          log(`  ${m.label}: run ${r + 1}/${runs}: ${(s.ms / 1000).toFixed(2)} s, ${s.rssMb?.toFixed(0) ?? "?"} MB`);
        } catch (e) {
          // One failing command (a test that times out on a loaded machine) costs its row, not the whole run.
          failed.set(m.id, (e as Error).message.split("\n")[0]);
          log(`  ${m.label}: FAILED: ${(e as Error).message}`);
        }
      }
      fs.rmSync(path.join(work, "out"), { recursive: true, force: true });
      // A round over two minutes (the largest fleets today) gets at most 3 runs: medians still, in bounded time.
      if (r === 0 && runs > 3 && Date.now() - roundStart > 120_000) {
        runs = 3;
        log(`  this group takes over 2 minutes a round: 3 runs instead of ${RUNS}`);
      }
    }
    for (const m of group) {
      const ss = samples.get(m.id)!;
      const rss = ss.map((s) => s.rssMb).filter((x): x is number => x !== undefined);
      const skipped = m.skipped ?? (failed.has(m.id) ? `failed: ${failed.get(m.id)}` : undefined);
      rows.push(skipped ? { id: m.id, label: m.label, runs: 0, medianMs: NaN, skipped } : { id: m.id, label: m.label, runs: ss.length, medianMs: median(ss.map((s) => s.ms)), rssMb: rss.length > 0 ? median(rss) : undefined });
    }
  }
  await report({ rows, runs: RUNS, started: started.toISOString(), machine: host, fleetStacks: FLEET_STACKS }, !quick);
}

/** Prints the table and targets; a full run also writes docs/performance.md, its charts and the raw rows. */
async function report(result: SavedRun, write: boolean): Promise<void> {
  const targets = computeTargets(result.rows, result.fleetStacks);
  console.log(textTable(result.rows, targets));
  console.log(`\n${result.machine}`);
  if (!write) {
    console.log("\n--quick: docs/performance.md not written (a full run writes it)");
    return;
  }
  fs.mkdirSync(path.dirname(LAST_RUN), { recursive: true });
  fs.writeFileSync(LAST_RUN, `${JSON.stringify(result, null, 2)}\n`);
  await writeDoc(ROOT, { rows: result.rows, targets, runs: result.runs, started: new Date(result.started), machine: result.machine });
}

// `--from docs/performance/last-run.json` rewrites the doc and charts from a saved run, measuring nothing.
const from = args.indexOf("--from");
(from >= 0 ? report(JSON.parse(fs.readFileSync(args[from + 1], "utf8")) as SavedRun, true) : main()).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
