import { didYouMean } from "./problems";
import { Reader } from "./readers";

/** Provider names this project knows: `prometheus`, which Istio's default install provides for metrics. */
export const KNOWN_METRICS_PROVIDERS = ["prometheus"] as const;

/**
 * `telemetry.metricsProvider`: any name, since a mesh may define its own extension providers in MeshConfig,
 * but not a near-miss of a known one (`promethues`): Istio would then silently export the metrics nowhere.
 * A custom provider's name must differ from `prometheus` by more than a typo.
 */
export function readMetricsProvider(r: Reader, key: string, v: unknown): string | undefined {
  const name = r.string(key, v);
  if (name === undefined || (KNOWN_METRICS_PROVIDERS as readonly string[]).includes(name)) return name;
  const near = didYouMean(name, KNOWN_METRICS_PROVIDERS);
  if (near)
    return r.problems.add(
      key,
      name,
      `${near} (did you mean ${near}?), or the name of an extension provider of your mesh config that is not one typo away from ${near}`,
    );
  return name;
}
