import { MeshSettings } from "../../config/schema";
import { AppSettings } from "../../config/parse-apps";
import { isHttpRule } from "../../config/allow-from";
import { hasWaypoint } from "../../config/parse-settings";
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import { Named } from "../types";
import { BEFORE_WORKLOADS, KEEP_ON_DELETE, PART_OF, WAYPOINT_NAME } from "./marks";

type Policy = Named<IAuthorizationPolicy>;

const WAYPOINT_REF = { group: "gateway.networking.k8s.io", kind: "Gateway", name: WAYPOINT_NAME };

function policy(app: AppSettings, name: string, spec: NonNullable<IAuthorizationPolicy["spec"]>, keep = false): Policy {
  const annotations = keep ? { ...BEFORE_WORKLOADS, ...KEEP_ON_DELETE } : { ...BEFORE_WORKLOADS };
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name, namespace: app.namespace, labels: { ...PART_OF }, annotations },
    spec,
  };
}

/** The one policy kept on delete with the workload it guards: removed from config, an app's pods refuse everyone. */
export const KEPT_POLICY = "deny-all";

/** The SPIFFE principal the app's waypoint runs as: its service account is named after the Gateway. */
export function waypointPrincipal(settings: MeshSettings, app: AppSettings): string {
  return `${settings.trustDomain}/ns/${app.namespace}/sa/${WAYPOINT_NAME}`;
}

/**
 * The app namespace's policies, correct for ambient (https://istio.io/latest/docs/ambient/usage/policy/):
 * - `deny-all`: an empty spec allows nothing; the destination ztunnel enforces it. Kept on delete, as the
 *   namespace and workload are: an app removed from config leaves pods that refuse every caller, not pods open to
 *   the whole mesh.
 * - `waypoint-deny-all` (waypoint only): the same at the waypoint, which enforces only policies attached by
 *   targetRefs. Without it a waypoint with no allow lets every caller through, and the ztunnel, which must let the
 *   waypoint in, then lets them all reach the app. An ALLOW policy with no rules matches nothing at the waypoint
 *   too (istio/istio pilot/pkg/security/authz/builder/builder.go, "an explicit policy that never matches").
 * - `allow-from-<ns>` (a namespace) or `allow-from-<ns>.<sa>` (a service account, by its SPIFFE principal) per
 *   `allowFrom` entry, with its HTTP methods and paths, if any, as the rule's `to`. Behind a waypoint the
 *   destination ztunnel sees the waypoint's identity, not the caller's, so the caller check moves to the waypoint
 *   (`targetRefs`); without one it stays L4. HTTP rules exist only behind a waypoint: ztunnel drops an ALLOW rule
 *   with HTTP fields (istio/istio pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go,
 *   `handleRule`: "L7 policies never match for ALLOW"), and parseSettings refuses them elsewhere.
 * - `allow-waypoint` (waypoint only): lets the waypoint through the ztunnel's deny-all, or every call dies there.
 */
export function authorizationManifests(settings: MeshSettings, app: AppSettings): Policy[] {
  const waypoint = hasWaypoint(settings, app);
  const policies = [policy(app, KEPT_POLICY, {}, true)];
  if (waypoint) policies.push(policy(app, "waypoint-deny-all", { targetRefs: [WAYPOINT_REF] }));
  for (const rule of app.allowFrom) {
    const source =
      rule.serviceAccount === undefined
        ? { namespaces: [rule.namespace] }
        : { principals: [`${settings.trustDomain}/ns/${rule.namespace}/sa/${rule.serviceAccount}`] };
    const operation = {
      ...(rule.methods ? { methods: [...rule.methods] } : {}),
      ...(rule.paths ? { paths: [...rule.paths] } : {}),
    };
    const name = rule.serviceAccount === undefined ? rule.namespace : `${rule.namespace}.${rule.serviceAccount}`;
    policies.push(
      policy(app, `allow-from-${name}`, {
        ...(waypoint ? { targetRefs: [WAYPOINT_REF] } : {}),
        action: "ALLOW",
        rules: [{ from: [{ source }], ...(isHttpRule(rule) ? { to: [{ operation }] } : {}) }],
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
