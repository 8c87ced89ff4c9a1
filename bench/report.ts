// The bench's table and targets: medians per row, ratios from the same run, PASS/FAIL computed from them.
import * as os from "os";

export interface Row {
  readonly id: string;
  readonly label: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly rssMb?: number;
  /** Why the row was not measured (no kubectl, --quick...). */
  readonly skipped?: string;
}

export interface Target {
  readonly name: string;
  /** The measured value, or undefined when a row it needs was skipped. */
  readonly value: number | undefined;
  readonly limit: number;
  readonly unit: "x" | "MB";
  readonly how: string;
  /** Set on rows stricter than the issue asks: why they are reported. Not among the issue's targets. */
  readonly beyondIssue?: string;
}

export const verdict = (t: Target) => (t.value === undefined ? "n/a" : t.value <= t.limit ? "PASS" : "FAIL");

const fmt = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits));

/** A target's value, with a third decimal where two would round it onto its limit (1.304 shows as 1.304, not 1.30). */
export const fmtTarget = (t: Target) => fmt(t.value, t.value !== undefined && t.value !== t.limit && Number(t.value.toFixed(2)) === t.limit ? 3 : 2);

/** The markdown table of the rows. */
export function rowsTable(rows: readonly Row[]): string {
  const lines = ["| what | runs | median wall (s) | peak RSS (MB) |", "| --- | ---: | ---: | ---: |"];
  for (const r of rows) lines.push(r.skipped ? `| ${r.label} | 0 | skipped: ${r.skipped} | - |` : `| ${r.label} | ${r.runs} | ${fmt(r.medianMs / 1000)} | ${fmt(r.rssMb, 0)} |`);
  return lines.join("\n");
}

export function targetsTable(targets: readonly Target[]): string {
  const stricter = targets.some((t) => t.beyondIssue);
  const lines = [`| target | measured | limit | result | from |${stricter ? " why it is reported |" : ""}`, `| --- | ---: | ---: | --- | --- |${stricter ? " --- |" : ""}`];
  for (const t of targets) lines.push(`| ${t.name} | ${fmtTarget(t)}${t.value === undefined ? "" : ` ${t.unit}`} | ${t.limit} ${t.unit} | ${verdict(t)} | ${t.how} |${stricter ? ` ${t.beyondIssue ?? ""} |` : ""}`);
  return lines.join("\n");
}

/** A plain-text table for the terminal. */
export function textTable(rows: readonly Row[], targets: readonly Target[]): string {
  const width = Math.max(...rows.map((r) => r.label.length), ...targets.map((t) => t.name.length));
  const out = rows.map((r) => `${r.label.padEnd(width)}  ${r.skipped ? `skipped: ${r.skipped}` : `${fmt(r.medianMs / 1000).padStart(7)} s  ${fmt(r.rssMb, 0).padStart(5)} MB  (median of ${r.runs})`}`);
  const line = (t: Target) => `${t.name.padEnd(width)}  ${fmtTarget(t).padStart(7)} ${t.unit === "x" ? "x " : "MB"}  limit ${t.limit}  ${verdict(t)}`;
  out.push("", "the issue's targets:", ...targets.filter((t) => !t.beyondIssue).map(line));
  out.push("", "stricter than the issue (reported, not its targets):", ...targets.filter((t) => t.beyondIssue).map(line));
  return out.join("\n");
}

export function machine(rssMethod: string): string {
  const cpus = os.cpus();
  return [
    `- CPUs: ${os.availableParallelism()} (${cpus[0]?.model ?? "unknown model"}), load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (the machine is shared)`,
    `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version} on ${os.type()} ${os.release()} (${process.arch})`,
    `- peak RSS: ${rssMethod}`,
  ].join("\n");
}
