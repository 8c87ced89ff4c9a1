/**
 * The multiwindow, multi-burn-rate alerts of the Google SRE Workbook, "Alerting on SLOs"
 * (https://sre.google/workbook/alerting-on-slos/, "Recommended parameters"), with the second ticket pair that
 * Sloth adds (slok/sloth internal/alert/windows/google-30d.yaml). A pair fires when both its long and its short
 * window burn faster than its factor; the factor is the share of the budget the long window may consume,
 * scaled to the SLO window: 2% of a 30-day budget in 1h is a burn rate of 0.02 x 720h / 1h = 14.4.
 */
export interface BurnPair {
  readonly severity: "page" | "ticket";
  /** Share of the whole error budget consumed over the long window when the pair fires. */
  readonly budgetShare: number;
  readonly longWindow: Window;
  readonly shortWindow: Window;
  /** The burn rate threshold for an SLO window of `windowDays`. */
  burnFactor(windowDays: number): number;
}

export const WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type Window = (typeof WINDOWS)[number];

const HOURS: Record<Window, number> = { "5m": 5 / 60, "30m": 0.5, "1h": 1, "2h": 2, "6h": 6, "1d": 24, "3d": 72 };

function pair(severity: "page" | "ticket", budgetShare: number, longWindow: Window, shortWindow: Window): BurnPair {
  return {
    severity,
    budgetShare,
    longWindow,
    shortWindow,
    // Rounded so that 30 days gives the workbook's exact 14.4, 6, 3 and 1 (no 14.399999 in a rule).
    burnFactor: (windowDays) => Math.round(((budgetShare * windowDays * 24) / HOURS[longWindow]) * 1e6) / 1e6,
  };
}

export const PAGE_FAST = pair("page", 0.02, "1h", "5m");
export const PAGE_SLOW = pair("page", 0.05, "6h", "30m");
export const TICKET_FAST = pair("ticket", 0.1, "1d", "2h");
export const TICKET_SLOW = pair("ticket", 0.1, "3d", "6h");
export const BURN_PAIRS: readonly BurnPair[] = [PAGE_FAST, PAGE_SLOW, TICKET_FAST, TICKET_SLOW];

/** The error budget as a ratio: 99.9 -> 0.001 (rounded to cut float noise such as 0.0010000000000000009). */
export function budgetRatio(objectivePercent: number): number {
  return Math.round((100 - objectivePercent) * 1e8) / 1e10;
}
