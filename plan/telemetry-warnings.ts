import { hasWaypoint } from "../config/parse-settings";
import { NAMESPACE } from "../config/problems";
import { MeshSettings } from "../config/schema";
import { Metric } from "../config/telemetry-types";

// Every metric a waypoint produces and ztunnel does not: all but istio_tcp_*. ALL_METRICS includes them.
const WAYPOINT_METRICS: ReadonlySet<Metric> = new Set<Metric>([
  "ALL_METRICS",
  "REQUEST_COUNT",
  "REQUEST_DURATION",
  "REQUEST_SIZE",
  "RESPONSE_SIZE",
  "GRPC_REQUEST_MESSAGES",
  "GRPC_RESPONSE_MESSAGES",
]);

/**
 * Request-metric overrides that would change nothing: the Telemetry goes to every app that serves, but in
 * ambient mode request metrics come only from a waypoint (ztunnel emits istio_tcp_* only and ignores the
 * Telemetry API). Warnings, not errors: the config is valid, just not effective for that namespace.
 */
export function telemetryWarnings(settings: MeshSettings): string[] {
  const overrides = settings.telemetry.overrides
    .map((o, i) => ({ ...o, key: `${NAMESPACE}:telemetry.overrides[${i}]` }))
    .filter((o) => WAYPOINT_METRICS.has(o.metric));
  if (overrides.length === 0) return [];
  const warnings: string[] = [];
  settings.apps.forEach((app) => {
    const i = app.index;
    if (app.port === undefined || hasWaypoint(settings, app)) return;
    const why = settings.waypoints ? `${NAMESPACE}:apps[${i}].waypoint is false` : `${NAMESPACE}:waypoints is false`;
    const fix = settings.waypoints ? `set waypoint: true on app "${app.name}"` : `set ${NAMESPACE}:waypoints to true`;
    for (const o of overrides) {
      warnings.push(
        `stack "${settings.stack}": key "${o.key}" (${o.metric}: ${Object.keys(o.tagOverrides).join(", ")}) changes nothing in namespace ` +
          `"${app.namespace}": it has no waypoint (${why}), and in ambient mode request metrics come only from a waypoint ` +
          `(ztunnel emits istio_tcp_* only and ignores the Telemetry API); ${fix}, or expect no effect there`,
      );
    }
  });
  return warnings;
}
