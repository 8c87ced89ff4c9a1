import * as fs from "fs";
import * as path from "path";
import { barChartSvg } from "./chart";
import { Row, rowsTable, Target, targetsTable } from "./report";

const BEGIN = "<!-- bench:begin (written by npm run bench; edit outside these markers) -->";
const END = "<!-- bench:end -->";

export interface BenchResult {
  readonly rows: readonly Row[];
  readonly targets: readonly Target[];
  readonly runs: number;
  readonly started: Date;
  readonly machine: string;
}

/** docs/performance.md between its markers (the hand-written rest is kept), and the charts under docs/performance/. */
export async function writeDoc(root: string, r: BenchResult): Promise<void> {
  const chartDir = path.join(root, "docs", "performance");
  fs.mkdirSync(chartDir, { recursive: true });
  const fleets = r.rows.filter((x) => !x.skipped && x.id.match(/^(render|cdk8s|kustomize)-\d+x\d+$/));
  const tool = (id: string) => (id.startsWith("render") ? "mesh-lab render" : id.startsWith("cdk8s") ? "cdk8s synth" : "kubectl kustomize");
  const fleetName = (id: string) => id.replace(/^[a-z0-9]+-(\d+)x(\d+)$/, "$1 stacks x $2 apps");
  fs.writeFileSync(path.join(chartDir, "fleets.svg"), await barChartSvg("Fleets: whole-process wall time (log scale)", fleets.map((x) => ({ group: fleetName(x.id), tool: tool(x.id), seconds: x.medianMs / 1000 })), { logScale: true }));
  const overview = r.rows.filter((x) => !x.skipped && !fleets.includes(x));
  fs.writeFileSync(path.join(chartDir, "overview.svg"), await barChartSvg("Start-up, render of the repository, tests", overview.map((x) => ({ group: x.label.replace(/ \(.*$/, "").slice(0, 40), tool: x.id.replace(/-.*$/, ""), seconds: x.medianMs / 1000 }))));
  const generated = [
    BEGIN,
    "",
    `Last full run: ${r.started.toISOString().replace(/\.\d+Z$/, "Z")}, ${r.runs} runs per row (medians; rows of a group alternate run by run).`,
    "",
    r.machine,
    "",
    "### Targets (issue 11)",
    "",
    targetsTable(r.targets.filter((t) => !t.beyondIssue)),
    "",
    "### Stricter than the issue (reported, not among its targets)",
    "",
    targetsTable(r.targets.filter((t) => t.beyondIssue)),
    "",
    "### Measurements",
    "",
    rowsTable(r.rows),
    "",
    "![fleets](performance/fleets.svg)",
    "",
    "![overview](performance/overview.svg)",
    "",
    END,
  ].join("\n");
  const file = path.join(root, "docs", "performance.md");
  const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : `# Performance\n\n${BEGIN}\n${END}\n`;
  const [head, rest] = old.includes(BEGIN) && old.includes(END) ? [old.slice(0, old.indexOf(BEGIN)), old.slice(old.indexOf(END) + END.length)] : [old, "\n"];
  fs.writeFileSync(file, `${head}${generated}${rest}`);
}
