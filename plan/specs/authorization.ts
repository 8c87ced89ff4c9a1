import { MeshSettings } from "../../config/schema";
import { AppSettings } from "../../config/parse-apps";
import { hasWaypoint } from "../../config/parse-settings";
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import { Named } from "../types";
import { BEFORE_WORKLOADS, PART_OF, WAYPOINT_NAME } from "./marks";

type Policy = Named<IAuthorizationPolicy>;

const WAYPOINT_REF = { group: "gateway.networking.k8s.io", kind: "Gateway", name: WAYPOINT_NAME };

function policy(app: AppSettings, name: string, spec: NonNullable<IAuthorizationPolicy["spec"]>): Policy {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name, namespace: app.namespace, labels: { ...PART_OF }, annotations: { ...BEFORE_WORKLOADS } },
    spec,
  };
}

/** The SPIFFE principal the app's waypoint runs as: its service account is named after the Gateway. */
export function waypointPrincipal(settings: MeshSettings, app: AppSettings): string {
  return `${settings.trustDomain}/ns/${app.namespace}/sa/${WAYPOINT_NAME}`;
}

/**
 * The app namespace's policies, correct for ambient (https://istio.io/latest/docs/ambient/usage/policy/):
 * - `deny-all`: an empty spec allows nothing; the destination ztunnel enforces it.
 * - `allow-from-<ns>` per caller. Behind a waypoint the destination ztunnel sees the waypoint's identity,
 *   not the caller's, so the caller check moves to the waypoint (`targetRefs`); without one it stays L4.
 * - `allow-waypoint` (waypoint only): lets the waypoint through the ztunnel's deny-all, or every call dies there.
 */
export function authorizationManifests(settings: MeshSettings, app: AppSettings): Policy[] {
  const waypoint = hasWaypoint(settings, app);
  const policies = [policy(app, "deny-all", {})];
  for (const caller of app.allowFrom) {
    policies.push(
      policy(app, `allow-from-${caller}`, {
        ...(waypoint ? { targetRefs: [WAYPOINT_REF] } : {}),
        action: "ALLOW",
        rules: [{ from: [{ source: { namespaces: [caller] } }] }],
      }),
    );
  }
  if (waypoint) {
    policies.push(
      policy(app, "allow-waypoint", {
        action: "ALLOW",
        rules: [{ from: [{ source: { principals: [waypointPrincipal(settings, app)] } }] }],
      }),
    );
  }
  return policies;
}
