import { hasWaypoint } from "../../config/parse-settings";
import { NAMESPACE } from "../../config/problems";
import { MeshSettings } from "../../config/schema";
import { TelemetrySettings } from "../../config/telemetry-types";
import { AppSloSetting, ObservabilitySettings } from "../../config/observability-settings";
import { ObservedCluster, RequestTag } from "./settings";

/**
 * Tags the stack's Telemetry leaves on istio_requests_total: UPSERTed on REQUEST_COUNT or ALL_METRICS and not
 * REMOVEd by a later override of those metrics. Each comes with the config key that declares it.
 */
export function requestTagsOf(telemetry: TelemetrySettings): RequestTag[] {
  const tags = new Map<string, RequestTag>();
  telemetry.overrides.forEach((o, i) => {
    if (o.metric !== "REQUEST_COUNT" && o.metric !== "ALL_METRICS") return;
    for (const [name, t] of Object.entries(o.tagOverrides)) {
      if (t.operation === "REMOVE") tags.delete(name);
      else
        tags.set(name, {
          name,
          key: `${NAMESPACE}:telemetry.overrides[${i}].tagOverrides.${name}`,
          ...(t.value === undefined ? {} : { value: t.value }),
        });
    }
  });
  return [...tags.values()];
}

/**
 * The builders' input from validated settings. `slos[i]` is the read `apps[i].slo` (`undefined` when unset:
 * the stack's objectives apply to every serving app).
 */
export function observedCluster(
  settings: MeshSettings,
  observability: ObservabilitySettings = settings.observability,
  slos: readonly (AppSloSetting | undefined)[] = settings.apps.map((a) => a.slo),
): ObservedCluster {
  return {
    stack: settings.stack,
    clusterName: settings.clusterName,
    network: settings.network,
    requestTags: requestTagsOf(settings.telemetry),
    settings: observability,
    apps: settings.apps.map((app, index) => {
      const own = slos[index];
      const serves = app.port !== undefined;
      return {
        name: app.name,
        namespace: app.namespace,
        serves,
        waypoint: hasWaypoint(settings, app),
        global: app.global,
        allowFrom: app.allowFrom,
        serviceAccounts: app.serviceAccounts,
        calls: app.calls,
        index: app.index,
        ...(serves && own !== false ? { slo: { ...observability.slo, ...(own ?? {}) } } : {}),
      };
    }),
  };
}
