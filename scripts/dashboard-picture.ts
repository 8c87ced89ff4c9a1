/**
 * Draws docs/observability/dashboard.svg from the dashboard JSON of a stack (default cluster-1), the same JSON
 * the ConfigMap carries. `--check` exits 1 when the committed picture is stale. Offline; no Grafana needed.
 */
import * as fs from "fs";
import * as path from "path";
import { parseSettings } from "../config/parse-settings";
import { loadStackConfig } from "../config/project-files";
import { grafanaDashboard } from "../plan/observability/dashboard";
import { dashboardSvg } from "./dashboard-svg";
import { observedCluster } from "../plan/observability/observed";
import { DEFAULT_OBSERVABILITY } from "../config/observability-settings";

const ROOT = path.resolve(__dirname, "..");
export const PICTURE = path.join(ROOT, "docs", "observability", "dashboard.svg");

/** The docs draw the sample project's dashboard (the workshop's clusters and apps), whatever this repository runs. */
const SAMPLE = path.join(ROOT, "tests", "fixtures", "sample");

export function picture(stack = "cluster-1"): string {
  const settings = parseSettings(stack, loadStackConfig(SAMPLE, stack).raw);
  const cluster = observedCluster(settings, { ...DEFAULT_OBSERVABILITY, deploy: "all" });
  const cm = grafanaDashboard(cluster);
  const served = cluster.apps.find((a) => a.serves && a.waypoint);
  const caller = cluster.apps.find((a) => served !== undefined && a.calls.includes(served.name));
  const json = JSON.parse(Object.values(cm.data ?? {})[0]) as Parameters<typeof dashboardSvg>[0];
  return dashboardSvg(
    json,
    `drawn by scripts/dashboard-picture.ts from ConfigMap ${cm.metadata?.name}; series are illustrative`,
    {
      ...(served ? { destination_service_name: served.name, destination_service_namespace: served.namespace } : {}),
      ...(caller ? { source_workload_namespace: caller.namespace } : {}),
      error_type: "server_error",
    },
  );
}

if (require.main === module) {
  const svg = picture(process.argv.find((a) => !a.startsWith("-") && a !== process.argv[0] && a !== process.argv[1]));
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(PICTURE) ? fs.readFileSync(PICTURE, "utf8") : "";
    if (current !== svg) {
      console.error(`${path.relative(ROOT, PICTURE)} is stale: run npm run dashboard:picture`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(PICTURE), { recursive: true });
    fs.writeFileSync(PICTURE, svg);
    console.log(`wrote ${path.relative(ROOT, PICTURE)}`);
  }
}
