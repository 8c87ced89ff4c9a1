import { isObject, Reader } from "./readers";
import {
  AppSloSetting,
  DEFAULT_OBSERVABILITY,
  DEPLOY_CHOICES,
  ObservabilitySettings,
  SloObjectives,
} from "./observability-settings";
import { PAGE_FAST } from "./slo-math";

const OBSERVABILITY_KEYS = ["deploy", "namespace", "ruleLabels", "slo"] as const;
const SLO_KEYS = ["availability", "latency", "windowDays"] as const;
const APP_SLO_KEYS = ["availability", "latency"] as const;
// Kubernetes label keys and values (apimachinery validation: optional DNS prefix, 63-character name).
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * Reads `mesh-lab:observability` (already parsed from JSON); `undefined` raw means every default.
 * Returns `undefined` and records problems on a bad value.
 */
export function readObservability(r: Reader, key: string, raw: unknown): ObservabilitySettings | undefined {
  if (raw === undefined) return DEFAULT_OBSERVABILITY;
  const o = r.object(key, raw, OBSERVABILITY_KEYS);
  if (!o) return undefined;
  const d = DEFAULT_OBSERVABILITY;
  const deploy = o.deploy === undefined ? d.deploy : r.oneOf(`${key}.deploy`, o.deploy, DEPLOY_CHOICES);
  const namespace = o.namespace === undefined ? d.namespace : r.dnsLabel(`${key}.namespace`, o.namespace);
  const ruleLabels = o.ruleLabels === undefined ? d.ruleLabels : readLabels(r, `${key}.ruleLabels`, o.ruleLabels);
  const slo = o.slo === undefined ? d.slo : readObjectives(r, `${key}.slo`, o.slo);
  if (deploy === undefined || namespace === undefined || ruleLabels === undefined || slo === undefined)
    return undefined;
  return { deploy, namespace, ruleLabels, slo };
}

/**
 * Reads one `apps[i].slo`: `false` (no SLO), or `{availability?, latency?}` overriding the stack's defaults.
 * `defaults` are the stack's objectives; their window decides which objectives an alert can still reach.
 */
export function readAppSlo(
  r: Reader,
  key: string,
  raw: unknown,
  defaults: SloObjectives = DEFAULT_OBSERVABILITY.slo,
): AppSloSetting | undefined {
  if (raw === false) return false;
  if (!isObject(raw))
    return r.problems.add(key, raw, `false (no SLO) or an object with keys ${APP_SLO_KEYS.join(", ")}`);
  r.problems.unknownKeys(key, raw, APP_SLO_KEYS);
  const availability =
    raw.availability === undefined
      ? undefined
      : readPercent(r, `${key}.availability`, raw.availability, defaults.windowDays);
  const latency =
    raw.latency === undefined ? undefined : readPercent(r, `${key}.latency`, raw.latency, defaults.windowDays);
  if (
    (raw.availability !== undefined && availability === undefined) ||
    (raw.latency !== undefined && latency === undefined)
  )
    return undefined;
  if (Object.keys(raw).some((k) => !(APP_SLO_KEYS as readonly string[]).includes(k))) return undefined;
  return { ...(availability === undefined ? {} : { availability }), ...(latency === undefined ? {} : { latency }) };
}

/** An SLO set on an app that serves nothing is a contradiction, like a port on a traffic client. */
export function checkAppSlos(
  r: Reader,
  appsKey: string,
  apps: readonly { readonly port?: number }[],
  slos: readonly (AppSloSetting | undefined)[],
): void {
  apps.forEach((app, i) => {
    const slo = slos[i];
    if (app.port === undefined && slo !== undefined && slo !== false) {
      r.problems.add(
        `${appsKey}[${i}].slo`,
        slo,
        "no slo (or false) on an app without a port: it serves no requests to measure",
      );
    }
  });
}

function readObjectives(r: Reader, key: string, v: unknown): SloObjectives | undefined {
  const o = r.object(key, v, SLO_KEYS);
  if (!o) return undefined;
  const d = DEFAULT_OBSERVABILITY.slo;
  const windowDays = o.windowDays === undefined ? d.windowDays : r.integer(`${key}.windowDays`, o.windowDays, 7, 90);
  const days = windowDays ?? d.windowDays;
  const availability =
    o.availability === undefined ? d.availability : readPercent(r, `${key}.availability`, o.availability, days);
  const latency = o.latency === undefined ? d.latency : readPercent(r, `${key}.latency`, o.latency, days);
  if (windowDays === undefined || availability === undefined || latency === undefined) return undefined;
  return { availability, latency, windowDays };
}

/**
 * An objective in percent. Below a floor the fastest page could never fire: at 14.4x over 30 days a 90%
 * objective needs an error ratio of 144%. So the floor is where burn factor x budget reaches 100%.
 */
function readPercent(r: Reader, key: string, v: unknown, windowDays: number): number | undefined {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v >= 100) {
    return r.problems.add(key, v, "a percentage above 0 and below 100 (99.9 means 99.9% of requests)");
  }
  const factor = PAGE_FAST.burnFactor(windowDays);
  const floor = 100 - 100 / factor;
  if (v <= floor) {
    return r.problems.add(
      key,
      v,
      `a percentage above ${round(floor)} and below 100: at ${v} the ${round(factor)}x page threshold needs an error ratio of ${round((100 - v) * factor)}%, which cannot happen`,
    );
  }
  return v;
}

function readLabels(r: Reader, key: string, v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return r.problems.add(key, v, "an object of Kubernetes label names to label values");
  let ok = true;
  for (const [k, value] of Object.entries(v)) {
    if (!LABEL_KEY.test(k))
      ok =
        r.problems.add(
          `${key}.${k}`,
          k,
          "a Kubernetes label name (optional DNS prefix/, then 1-63 alphanumerics, '-', '_', '.')",
        ) ?? false;
    else if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value))
      ok =
        r.problems.add(
          `${key}.${k}`,
          value,
          "a Kubernetes label value (a string of at most 63 alphanumerics, '-', '_', '.')",
        ) ?? false;
  }
  return ok ? (v as Record<string, string>) : undefined;
}

const round = (x: number) => Math.round(x * 10000) / 10000;
