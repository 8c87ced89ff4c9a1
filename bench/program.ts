// npm run bench:program [-- --runs N] [-- --apps 100,300,1000]: what `pulumi up` and `pulumi preview` spend in
// the program for one stack of N apps (bench/fleet.ts's apps): buildPlan alone, and the whole program (config
// parsed, plan built and proven, every resource registered) against Pulumi's mocks, until its last registration
// has been answered. No engine, no cluster: the program's own cost, which the CLI adds its engine's to. Each run
// is a fresh process, as each `pulumi up` is; medians, and each size's ratio to the first.
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { meshProgram } from "../components/mesh-program";
import { parseSettings } from "../config/parse-settings";
import { buildPlan } from "../plan/mesh-plan";
import { fleetApps } from "./fleet";
import { flag as flagOf, median } from "./measure";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => flagOf(args, name, fallback);

/** The stack's cluster as the program reads it: an istiod and an istio-system that say they are this cluster. */
class ClusterMocks implements pulumi.runtime.Mocks {
  /** Registrations and reads answered so far. */
  answered = 0;

  constructor(
    private readonly clusterName: string,
    private readonly network: string,
  ) {}

  newResource(a: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    this.answered++;
    if (a.id !== undefined && a.id !== "" && a.type === "kubernetes:apps/v1:Deployment")
      return {
        id: a.id,
        state: {
          spec: {
            template: {
              spec: { containers: [{ name: "discovery", env: [{ name: "CLUSTER_ID", value: this.clusterName }] }] },
            },
          },
        },
      };
    if (a.id !== undefined && a.id !== "" && a.type === "kubernetes:core/v1:Namespace")
      return { id: a.id, state: { metadata: { labels: { "topology.istio.io/network": this.network } } } };
    return { id: `${a.name}-id`, state: a.inputs as Record<string, unknown> };
  }

  call(): Record<string, unknown> {
    return {};
  }
}

/** One run, in this process: prints `plan-seconds program-seconds resources-answered`. */
async function one(apps: number): Promise<void> {
  const raw = {
    "mesh-lab:kubeContext": "k3d-bench",
    "mesh-lab:clusterName": "bench",
    "mesh-lab:network": "network1",
    "mesh-lab:apps": JSON.stringify(fleetApps(apps, 1)),
  };
  const settings = parseSettings("bench", raw);
  const planStart = process.hrtime.bigint();
  buildPlan(settings);
  const plan = Number(process.hrtime.bigint() - planStart) / 1e9;
  const mocks = new ClusterMocks("bench", "network1");
  await pulumi.runtime.setMocks(mocks, "mesh-lab", "bench", false);
  const start = process.hrtime.bigint();
  meshProgram({ settings }, { warn: () => undefined });
  // Done when no registration has been answered for a few event-loop turns (the SDK prepares each one
  // asynchronously); those turns are part of the measure, a few milliseconds.
  for (let quiet = 0, seen = -1; quiet < 5;) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    quiet = mocks.answered === seen ? quiet + 1 : 0;
    seen = mocks.answered;
  }
  console.log(`${plan} ${Number(process.hrtime.bigint() - start) / 1e9} ${mocks.answered}`);
}

function main(): void {
  const runs = Number(flag("--runs", "3"));
  const sizes = flag("--apps", "100,300,1000").split(",").map(Number);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs is "${flag("--runs", "")}"; expected an integer >= 1`);
  if (sizes.some((n) => !Number.isInteger(n) || n < 2))
    throw new Error(`--apps is "${flag("--apps", "")}"; expected integers >= 2, comma-separated`);
  console.log(`${runs} runs per size, each a fresh process; medians. ${os.cpus().length} cores.\n`);
  console.log(
    "| apps | resources | buildPlan s | program s | program / first size |\n| ---: | ---: | ---: | ---: | ---: |",
  );
  let first: number | undefined;
  for (const n of sizes) {
    const samples: [number, number, number][] = [];
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(
        process.execPath,
        ["--require", "tsx/cjs", path.join(__dirname, "program.ts"), "--one", String(n)],
        {
          encoding: "utf8",
          cwd: path.resolve(__dirname, ".."),
        },
      );
      if (r.status !== 0) throw new Error(`the program run of ${n} apps failed:\n${r.stderr.slice(-3000)}`);
      const [plan, program, resources] = r.stdout.trim().split(/\s+/).map(Number);
      samples.push([plan, program, resources]);
    }
    const program = median(samples.map((s) => s[1]));
    first ??= program;
    console.log(
      `| ${n} | ${samples[0][2]} | ${median(samples.map((s) => s[0])).toFixed(2)} | ${program.toFixed(2)} | ${(program / first).toFixed(1)}x |`,
    );
  }
}

if (args[0] === "--one") void one(Number(args[1]));
else main();
