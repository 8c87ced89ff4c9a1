import { MeshSettings } from "../../config/schema";
import { AppSettings } from "../../config/parse-apps";
import { hasWaypoint } from "../../config/parse-settings";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import { Named } from "../types";
import { KEEP_ON_DELETE, PART_OF, revisionLabel, WAYPOINT_NAME } from "./marks";

/**
 * The app's namespace, enrolled in ambient; behind its waypoint for service traffic, ingress gateways' included. Pod Security enforces the stack's level and always warns and
 * audits `restricted`: Istio's generated waypoint pod sets no seccompProfile on a default install, so
 * enforcing `restricted` rejects it (istio/istio#56383) unless the install was told otherwise.
 */
export function namespaceManifest(settings: MeshSettings, app: AppSettings): Named<INamespace> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: app.namespace,
      labels: {
        ...PART_OF,
        "istio.io/dataplane-mode": "ambient",
        // An ingress gateway sends to the waypoint only when asked (istio/istio pilot/pkg/xds/endpoints/
        // endpoint_builder.go, findServiceWaypoint); otherwise it reaches the pods, whose ztunnel admits only the
        // waypoint, and an allowFrom naming the ingress namespace would be refused there.
        ...(hasWaypoint(settings, app)
          ? { "istio.io/use-waypoint": WAYPOINT_NAME, "istio.io/ingress-use-waypoint": "true" }
          : {}),
        ...revisionLabel(settings),
        "pod-security.kubernetes.io/enforce": settings.podSecurity,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
      annotations: { ...KEEP_ON_DELETE },
    },
  };
}
