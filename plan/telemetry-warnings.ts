import { hasWaypoint } from "../config/parse-settings";
import { NAMESPACE, some } from "../config/problems";
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
 * ambient mode request metrics come only from a waypoint (ztunnel's traffic metrics are istio_tcp_* only, and it
 * ignores the Telemetry API). Warnings, not errors: the config is valid, just not effective for that namespace.
 * One warning per override, naming the namespaces (the first few of a fleet's), so a stack of hundreds of apps
 * prints a few lines, not one per app.
 */
export function telemetryWarnings(settings: MeshSettings): string[] {
  const overrides = settings.telemetry.overrides
    .map((o, i) => ({ ...o, key: `${NAMESPACE}:telemetry.overrides[${i}]` }))
    .filter((o) => WAYPOINT_METRICS.has(o.metric));
  const apps = settings.apps.filter((app) => app.port !== undefined && !hasWaypoint(settings, app));
  if (overrides.length === 0 || apps.length === 0) return [];
  // The key that turned the waypoint off: the stack's override when it sets one, else the app's own.
  const waypointKey = (a: (typeof apps)[number]) =>
    settings.appOverrides[a.name]?.waypoint !== undefined
      ? `${NAMESPACE}:appOverrides.${a.name}.waypoint`
      : `${NAMESPACE}:apps[${a.index}].waypoint`;
  const why = settings.waypoints
    ? `${some(apps.map(waypointKey))} ${apps.length === 1 ? "is" : "are"} false`
    : `${NAMESPACE}:waypoints is false`;
  const [where, fix] =
    apps.length === 1
      ? [
          `namespace "${apps[0].namespace}": it has`,
          settings.waypoints ? `set waypoint: true on app "${apps[0].name}"` : `set ${NAMESPACE}:waypoints to true`,
        ]
      : [
          `${apps.length} namespaces (${some(apps.map((a) => `"${a.namespace}"`))}): they have`,
          settings.waypoints ? `set waypoint: true on those apps` : `set ${NAMESPACE}:waypoints to true`,
        ];
  return overrides.map(
    (o) =>
      `stack "${settings.stack}": key "${o.key}" (${o.metric}: ${Object.keys(o.tagOverrides).join(", ")}) changes nothing in ` +
      `${where} no waypoint (${why}), and in ambient mode request metrics come only from a waypoint ` +
      `(ztunnel's traffic metrics are istio_tcp_* only, and it ignores the Telemetry API); ${fix}, or expect no effect there`,
  );
}
