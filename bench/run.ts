// npm run bench [-- --runs N] [-- --stacks 2,50,200]: mesh-lab's render against cdk8s synthesizing the same
// objects, on this repository and on generated fleets. Every row is a whole process, timed from outside; rows of
// one group run in turn (A B A B ...) so that load on a shared machine hits them alike; medians are printed.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listStacks } from "../config/project-files";
import { writeFleet } from "./fleet";
import { flag as flagOf, median, runOnce } from "./measure";
import { writeOverlayObjects } from "./objects-json";

const ROOT = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => flagOf(args, name, fallback);
const RUNS = Number(flag("--runs", "5"));
const FLEETS = flag("--stacks", "2,50,200").split(",").map(Number);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs is "${flag("--runs", "")}"; expected an integer >= 1`);
if (FLEETS.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`--stacks is "${flag("--stacks", "")}"; expected integers >= 1, comma-separated`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-bench-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
let fresh = 0;
const freshDir = () => path.join(work, "out", String(++fresh));
// Both sides are TypeScript programs started through tsx, as each would be run from its repository.
const tsx = (file: string, ...rest: string[]) => [
  process.execPath,
  "--require",
  "tsx/cjs",
  path.join(ROOT, "bench", file),
  ...rest,
];

interface Row {
  readonly label: string;
  readonly command: () => string[];
}

/** Runs a command once; returns its wall time in seconds, or throws with its output when it fails. */
const time = (argv: string[]): number => runOnce(argv, ROOT).seconds;

/** Times the rows of one group in turn; prints one Markdown row each, with the ratio to the group's last row. */
function group(rows: Row[]): void {
  const samples = rows.map(() => [] as number[]);
  for (const row of rows) time(row.command()); // a warm-up run each: tsx's cache, the build cache
  for (let i = 0; i < RUNS; i++) rows.forEach((row, j) => samples[j].push(time(row.command())));
  const base = median(samples[samples.length - 1]);
  rows.forEach((row, j) =>
    console.log(`| ${row.label} | ${median(samples[j]).toFixed(2)} | ${(median(samples[j]) / base).toFixed(2)}x |`),
  );
}

/** The render of `dir` (once, untimed) to get the objects cdk8s gets. */
function objectsOf(dir: string, stacks: string[]): { file: string; count: number } {
  const out = path.join(work, `objects-${path.basename(dir)}`);
  time(tsx("render-project.ts", dir, "--out", out));
  const file = `${out}.json`;
  return { file, count: writeOverlayObjects(out, stacks, file) };
}

console.log(
  `${RUNS} runs per row after one warm-up, medians in seconds; ratio to the cdk8s row of the group. ${os.cpus().length} cores.\n`,
);
console.log("| command | median s | ratio |\n| --- | ---: | ---: |");
const repo = objectsOf(ROOT, listStacks(ROOT));
group([
  {
    label: `\`npm run render -- --check\`, this repository (${repo.count} objects)`,
    command: () => ["npm", "run", "-s", "render", "--", "--check"],
  },
  { label: "cdk8s synth of the same objects", command: () => tsx("cdk8s-synth.ts", repo.file, freshDir()) },
]);
for (const n of FLEETS) {
  const dir = path.join(work, `fleet-${n}`);
  const stacks = writeFleet(dir, ROOT, n, 2);
  const objects = objectsOf(dir, stacks);
  group([
    {
      label: `render, ${n} stacks x 2 apps (${objects.count} objects), overlays from the build cache`,
      command: () => tsx("render-project.ts", dir, "--out", freshDir()),
    },
    {
      label: `the same, every overlay built (\`--no-build-cache\`)`,
      command: () => tsx("render-project.ts", dir, "--out", freshDir(), "--no-build-cache"),
    },
    { label: "cdk8s synth of the same objects", command: () => tsx("cdk8s-synth.ts", objects.file, freshDir()) },
  ]);
  fs.rmSync(path.join(work, "out"), { recursive: true, force: true });
}
