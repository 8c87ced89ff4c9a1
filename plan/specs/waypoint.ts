import type { IGateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";
import { AppSettings } from "../../config/parse-apps";
import { MeshSettings } from "../../config/schema";
import { Named } from "../types";
import { PART_OF, revisionLabel, WAYPOINT_NAME } from "./marks";

/** The namespace's waypoint: without it ambient has no L7, so no HTTP policy and no request metrics. */
export function waypointManifest(app: AppSettings, settings: Pick<MeshSettings, "istioRevision">): Named<IGateway> {
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
