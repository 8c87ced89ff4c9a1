import { createHash } from "crypto";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

/** A picture of a dashboard drawn from its JSON alone: grid, titles, panel types, illustrative series. */
const COL = 52; // px per grid column (Grafana's grid is 24 columns wide)
const ROW = 30; // px per grid row, Grafana's own row height
const PAD = 16;
const COLORS = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#b877d9"];

type Panel = dashboard.Panel;
type Target = { expr?: string; legendFormat?: string };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Deterministic noise: a seeded generator, so the picture never changes unless the dashboard does. */
function noise(seed: string): () => number {
  let s = createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An illustrative series for a unit: steady traffic, small error ratios, a burn rate with one incident. */
function series(unit: string, seed: string, n: number): number[] {
  const rnd = noise(seed);
  const base = unit === "reqps" ? 8 + rnd() * 12 : unit === "percentunit" ? 0.002 + rnd() * 0.004 : 0.4 + rnd() * 0.6;
  const spikeAt = Math.floor(n * (0.55 + rnd() * 0.2));
  return Array.from({ length: n }, (_, i) => {
    const wave = 1 + 0.15 * Math.sin(i / 5 + rnd());
    const spike = unit === "reqps" ? 1 : i >= spikeAt && i < spikeAt + 6 ? 4 + rnd() * 3 : 1;
    return base * wave * spike * (0.9 + rnd() * 0.2);
  });
}

function format(v: number, unit: string): string {
  if (unit === "percentunit") return `${(v * 100).toFixed(v < 0.1 ? 2 : 1)}%`;
  if (unit === "reqps") return `${v.toFixed(1)} req/s`;
  if (unit === "x") return `${v.toFixed(1)}x`;
  return v.toFixed(2);
}

function thresholdSteps(p: Panel): { value: number | null; color: string }[] {
  return p.fieldConfig?.defaults?.thresholds?.steps ?? [];
}

function timeseries(
  p: Panel,
  x: number,
  y: number,
  w: number,
  h: number,
  sample: Readonly<Record<string, string>>,
): string[] {
  const unit = p.fieldConfig?.defaults?.unit ?? "";
  const targets = (p.targets ?? []) as Target[];
  const n = 60;
  const data = targets.map((t, i) => series(unit, `${p.title}/${i}/${t.expr}`, n));
  const dashed = thresholdSteps(p).filter((s) => s.value !== null) as { value: number; color: string }[];
  const max = Math.max(...data.flat(), ...dashed.map((s) => s.value)) * 1.1 || 1;
  const legendH = 18;
  const top = y + 34,
    bottom = y + h - 12 - legendH,
    left = x + 58,
    right = x + w - 12;
  const px = (i: number) => left + ((right - left) * i) / (n - 1);
  const py = (v: number) => bottom - ((bottom - top) * v) / max;
  const out: string[] = [];
  for (let k = 0; k <= 3; k++) {
    const v = (max * k) / 3;
    out.push(
      `<line x1="${left}" x2="${right}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#2c3235" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${left - 6}" y="${(py(v) + 4).toFixed(1)}" fill="#8e8e8e" font-size="10" text-anchor="end">${esc(format(v, unit))}</text>`,
    );
  }
  for (const s of dashed) {
    out.push(
      `<line x1="${left}" x2="${right}" y1="${py(s.value).toFixed(1)}" y2="${py(s.value).toFixed(1)}" stroke="${s.color === "red" ? "#f2495c" : "#ff9830"}" stroke-dasharray="6 4" stroke-width="1.5"/>`,
    );
  }
  data.forEach((d, i) => {
    const color = COLORS[i % COLORS.length];
    const line = d.map((v, j) => `${px(j).toFixed(1)},${py(v).toFixed(1)}`).join(" ");
    out.push(
      `<polygon points="${px(0).toFixed(1)},${bottom} ${line} ${px(n - 1).toFixed(1)},${bottom}" fill="${color}" fill-opacity="0.1"/>`,
    );
    out.push(`<polyline points="${line}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const label = (targets[i].legendFormat ?? `series ${i + 1}`).replace(
      /\{\{\s*([a-z_]+)\s*\}\}/g,
      (_, l: string) => sample[l] ?? `<${l}>`,
    );
    out.push(`<rect x="${x + 12 + i * 180}" y="${y + h - 22}" width="10" height="4" fill="${color}"/>`);
    out.push(`<text x="${x + 26 + i * 180}" y="${y + h - 16}" fill="#ccccdc" font-size="10">${esc(label)}</text>`);
  });
  return out;
}

function stat(p: Panel, x: number, y: number, w: number, h: number): string[] {
  const v = 0.35 + noise(`${p.title}`)() * 0.6;
  const steps = thresholdSteps(p);
  const step = [...steps].reverse().find((s) => s.value === null || v >= s.value);
  const fill = { red: "#c4162a", orange: "#c96a00", green: "#37872d" }[step?.color ?? "green"] ?? "#37872d";
  return [
    `<rect x="${x + 1}" y="${y + 28}" width="${w - 2}" height="${h - 29}" fill="${fill}"/>`,
    `<text x="${x + w / 2}" y="${y + h / 2 + 26}" fill="#ffffff" font-size="${Math.min(40, w / 5)}" font-weight="600" text-anchor="middle">${esc(format(v, p.fieldConfig?.defaults?.unit ?? ""))}</text>`,
  ];
}

/**
 * The SVG of a dashboard: every panel at its grid position, titled, drawn according to its type. `sample` fills
 * legend templates (`{{destination_service_name}}`) with plausible label values.
 */
export function dashboardSvg(
  d: dashboard.Dashboard,
  caption: string,
  sample: Readonly<Record<string, string>> = {},
): string {
  const panels = (d.panels ?? []) as Panel[];
  const rows = Math.max(...panels.map((p) => (p.gridPos?.y ?? 0) + (p.gridPos?.h ?? 0)));
  const width = 24 * COL + 2 * PAD;
  const height = rows * ROW + 2 * PAD + 44;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Inter, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#111217"/>`,
    `<text x="${PAD}" y="${PAD + 18}" fill="#ccccdc" font-size="18" font-weight="600">${esc(d.title ?? "")}</text>`,
    `<text x="${width - PAD}" y="${PAD + 18}" fill="#8e8e8e" font-size="11" text-anchor="end">${esc(caption)}</text>`,
  ];
  for (const p of panels) {
    const g = p.gridPos!;
    const x = PAD + g.x * COL + 4,
      y = PAD + 44 + g.y * ROW + 4,
      w = g.w * COL - 8,
      h = g.h * ROW - 8;
    out.push(`<g>`, `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="3" fill="#181b1f" stroke="#2c3235"/>`);
    out.push(
      `<text x="${x + 10}" y="${y + 19}" fill="#ccccdc" font-size="12" font-weight="500">${esc(p.title ?? "")}</text>`,
    );
    // The type goes in the corner when the title leaves room for it (about 6.5px per character at 12px).
    if ((p.title ?? "").length * 6.5 + 70 < w)
      out.push(
        `<text x="${x + w - 10}" y="${y + 19}" fill="#6e6e7e" font-size="10" text-anchor="end">${esc(p.type)}</text>`,
      );
    out.push(...(p.type === "stat" ? stat(p, x, y, w, h) : timeseries(p, x, y, w, h, sample)), `</g>`);
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
