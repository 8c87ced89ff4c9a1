import { hasWaypoint } from "../config/parse-settings";
import { MeshSettings } from "../config/schema";
import { AppSettings } from "../config/parse-apps";
import { authorizationManifests, KEPT_POLICY } from "./specs/authorization";
import { namespaceManifest } from "./specs/namespace";
import { telemetryManifest } from "./specs/telemetry";
import { waypointManifest } from "./specs/waypoint";
import { deploymentManifest, serviceAccountManifest, serviceManifest } from "./specs/workload";
import { ConfigError } from "../config/problems";
import { AccessProofError, accessProblems } from "./access-proof";
import { observedCluster } from "./observability/observed";
import { observabilityObjects } from "./observability/plan";
import { observabilityProblems, sloWarnings } from "./observability/problems";
import { deniedCallWarnings } from "./call-warnings";
import { telemetryWarnings } from "./telemetry-warnings";
import { KubeManifest, Layer, MeshPlan, PlannedObject } from "./types";

/**
 * One app's objects, in the order `pulumi up` registers them. Logical names are `<app>-<role>` and frozen:
 * renaming one deletes and recreates the object in every cluster; move one only with an alias.
 */
export function appObjects(settings: MeshSettings, app: AppSettings): PlannedObject[] {
  const objects: PlannedObject[] = [];
  const add = (
    role: string,
    layer: Layer,
    keep: boolean,
    manifest: KubeManifest,
    dependsOn: readonly string[],
  ): string => {
    const name = `${app.name}-${role}`;
    objects.push({ name, app: app.name, layer, keep, dependsOn, manifest });
    return name;
  };
  // Namespaces and workloads outlive the stack: removing an app from config, or `pulumi destroy`, leaves them
  // running, since deleting a namespace takes everything in it, and their deny-all with them, so what is left
  // refuses every caller. The other policies, waypoint and Telemetry are not kept: a removed allow must really be
  // revoked.
  const ns = add("namespace", "base", true, namespaceManifest(settings, app), []);
  if (hasWaypoint(settings, app)) add("waypoint", "cluster", false, waypointManifest(app, settings), [ns]);
  if (app.port !== undefined) add("telemetry", "base", false, telemetryManifest(app, settings.telemetry), [ns]);
  // Policies go in before the workload, so it never serves a moment without deny-by-default.
  const policies = authorizationManifests(settings, app).map((p) =>
    add(p.metadata.name, "cluster", p.metadata.name === KEPT_POLICY, p, [ns]),
  );
  // workload: false: the team's chart deploys the rest.
  if (!app.workload) return objects;
  const sa = add("serviceaccount", "app", true, serviceAccountManifest(app), [ns]);
  add("deployment", "app", true, deploymentManifest(settings, app), [ns, sa, ...policies]);
  if (app.port !== undefined) add("service", "app", true, serviceManifest({ ...app, port: app.port }), [ns]);
  return objects;
}

/**
 * Everything a stack deploys, from its validated settings: pure data, no Pulumi runtime, no I/O. `pulumi up`
 * registers it through the stack's provider (components/) and `npm run render` writes it to Git (render/).
 */
export function buildPlan(settings: MeshSettings): MeshPlan {
  const observed = observedCluster(settings);
  // The rules and dashboards read the Telemetry's tags: a PromQL expression that does not parse, or a label no
  // tag provides (a tag renamed in config), is a config problem, refused before anything is registered.
  const problems = observabilityProblems(observed);
  if (problems.length > 0) throw new ConfigError(settings.stack, problems);
  const observability = observabilityObjects(observed).map((o): PlannedObject => ({
    name: o.logicalName,
    ...(o.app === undefined ? {} : { app: o.app }),
    layer: "observability",
    keep: false,
    dependsOn: [],
    manifest: o.object,
  }));
  const objects = [...settings.apps.flatMap((app) => appObjects(settings, app)), ...observability];
  // The policies are proven against allowFrom as ztunnel and the waypoints will read them, before anything runs.
  const access = accessProblems(settings, objects);
  if (access.length > 0) throw new AccessProofError(settings.stack, access);
  return {
    settings,
    objects,
    warnings: [...telemetryWarnings(settings), ...deniedCallWarnings(settings), ...sloWarnings(observed)],
  };
}
