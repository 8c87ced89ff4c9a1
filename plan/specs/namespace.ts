import { MeshSettings } from "../../config/schema";
import { AppSettings } from "../../config/parse-apps";
import { hasWaypoint } from "../../config/parse-settings";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import { Named } from "../types";
import { KEEP_ON_DELETE, PART_OF, revisionLabel, WAYPOINT_NAME } from "./marks";

/**
 * The app's namespace, enrolled in ambient. Pod Security enforces the stack's level and always warns and
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
        ...(hasWaypoint(settings, app) ? { "istio.io/use-waypoint": WAYPOINT_NAME } : {}),
        ...revisionLabel(settings),
        "pod-security.kubernetes.io/enforce": settings.podSecurity,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
      annotations: { ...KEEP_ON_DELETE },
    },
  };
}
