import { readMetricsProvider } from "./metrics-provider";
import { tagExpressionProblem } from "./tag-expression-problem";
import { show } from "./problems";
import { isObject, Reader } from "./readers";
import { METRICS, MetricOverride, MODES, OPERATIONS, TagOverride, TelemetrySettings } from "./telemetry-types";

const TELEMETRY_KEYS = ["metricsProvider", "accessLogging", "overrides"] as const;
const OVERRIDE_KEYS = ["match", "tagOverrides"] as const;
const MATCH_KEYS = ["metric", "mode"] as const;
const TAG_KEYS = ["operation", "value"] as const;
// Tags become Prometheus label names.
const TAG_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Reads `mesh-lab:telemetry`. Tag values are CEL, each parsed and type-checked as Envoy will evaluate it. */
export function readTelemetry(r: Reader, key: string, v: unknown): TelemetrySettings | undefined {
  const o = r.object(key, v, TELEMETRY_KEYS);
  if (!o) return undefined;
  const metricsProvider =
    o.metricsProvider === undefined
      ? "prometheus"
      : readMetricsProvider(r, `${key}.metricsProvider`, o.metricsProvider);
  const accessLogging = o.accessLogging === undefined ? true : r.boolean(`${key}.accessLogging`, o.accessLogging);
  const overrides =
    o.overrides === undefined
      ? []
      : r.list(`${key}.overrides`, o.overrides, (k, x) => readOverride(r, k, x), false, "metric overrides");
  if (metricsProvider === undefined || accessLogging === undefined || overrides === undefined) return undefined;
  return { metricsProvider, accessLogging, overrides };
}

function readOverride(r: Reader, key: string, v: unknown): MetricOverride | undefined {
  const o = r.object(key, v, OVERRIDE_KEYS);
  if (!o) return undefined;
  const match = o.match === undefined ? {} : r.object(`${key}.match`, o.match, MATCH_KEYS);
  if (!match) return undefined;
  const metric = match.metric === undefined ? "ALL_METRICS" : r.oneOf(`${key}.match.metric`, match.metric, METRICS);
  const mode = match.mode === undefined ? "CLIENT_AND_SERVER" : r.oneOf(`${key}.match.mode`, match.mode, MODES);
  const tagsKey = `${key}.tagOverrides`;
  if (!isObject(o.tagOverrides) || Object.keys(o.tagOverrides).length === 0) {
    return r.problems.add(tagsKey, o.tagOverrides, "a non-empty map of tag name to {operation, value}");
  }
  const tagOverrides: Record<string, TagOverride> = {};
  let ok = metric !== undefined && mode !== undefined;
  for (const [tag, spec] of Object.entries(o.tagOverrides)) {
    const t = readTag(r, `${tagsKey}.${tag}`, tag, spec);
    const cel =
      t?.value === undefined
        ? undefined
        : tagExpressionProblem(`${tagsKey}.${tag}.value`, metric ?? show(match.metric), tag, t.value);
    if (cel !== undefined) r.problems.raw(cel);
    if (t === undefined || cel !== undefined) ok = false;
    else tagOverrides[tag] = t;
  }
  return ok ? { metric: metric!, mode: mode!, tagOverrides } : undefined;
}

function readTag(r: Reader, key: string, tag: string, v: unknown): TagOverride | undefined {
  if (!TAG_NAME.test(tag))
    return r.problems.add(key, tag, "a tag name usable as a Prometheus label ([a-zA-Z_][a-zA-Z0-9_]*)");
  const o = r.object(key, v, TAG_KEYS);
  if (!o) return undefined;
  const operation = o.operation === undefined ? "UPSERT" : r.oneOf(`${key}.operation`, o.operation, OPERATIONS);
  if (operation === undefined) return undefined;
  if (operation === "REMOVE") {
    if (o.value !== undefined) return r.problems.add(`${key}.value`, o.value, "no value: REMOVE drops the tag");
    return { operation };
  }
  if (o.value === undefined) return r.problems.missing(`${key}.value`, "a CEL expression: UPSERT needs a value");
  const value = r.string(`${key}.value`, o.value, "a CEL expression (non-empty string)");
  return value === undefined ? undefined : { operation, value };
}
