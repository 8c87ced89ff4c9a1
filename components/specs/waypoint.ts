import { AppSettings, MeshSettings } from "../../config/settings";
import { Manifest, PART_OF, revisionLabel, WAYPOINT_NAME } from "./manifest";

/** The namespace's waypoint: without it ambient has no L7, so no HTTP policy and no request metrics. */
export function waypointManifest(app: AppSettings, settings: Pick<MeshSettings, "istioRevision"> = {}): Manifest {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: {
      name: WAYPOINT_NAME,
      namespace: app.namespace,
      labels: { ...PART_OF, "istio.io/waypoint-for": "service", ...revisionLabel(settings) },
    },
    spec: {
      gatewayClassName: "istio-waypoint",
      listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }],
    },
  };
}
