import { AppSettings } from "../../config/parse-apps";
import { TelemetrySettings } from "../../config/telemetry-types";
import type { ITelemetry } from "@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry";
import { Named } from "../types";
import { PART_OF } from "./marks";

/**
 * `<app>-telemetry` in the app's namespace. With no selector it applies to the namespace's waypoint,
 * which is where ambient produces request metrics and access logs (ztunnel ignores the Telemetry API).
 */
export function telemetryManifest(app: AppSettings, telemetry: TelemetrySettings): Named<ITelemetry> {
  const spec: NonNullable<ITelemetry["spec"]> = {};
  if (telemetry.overrides.length > 0) {
    spec.metrics = [
      {
        providers: [{ name: telemetry.metricsProvider }],
        overrides: telemetry.overrides.map((o) => ({
          match: { metric: o.metric, mode: o.mode },
          tagOverrides: Object.fromEntries(
            Object.entries(o.tagOverrides).map(([tag, t]) => [
              tag,
              t.value === undefined ? { operation: t.operation } : { operation: t.operation, value: t.value },
            ]),
          ),
        })),
      },
    ];
  }
  if (telemetry.accessLogging) spec.accessLogging = [{ providers: [{ name: "envoy" }] }];
  return {
    apiVersion: "telemetry.istio.io/v1",
    kind: "Telemetry",
    metadata: { name: `${app.name}-telemetry`, namespace: app.namespace, labels: { ...PART_OF } },
    spec,
  };
}
