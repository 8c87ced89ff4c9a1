import { KubeManifest } from "../types";
import { installApplications } from "./argocd";
import { eastWestGateway, istioSystemNamespace } from "./manifests";
import { InstallTarget } from "../../config/install-settings";

/**
 * What the GitOps tree holds for the install layer of one stack: the Argo CD Applications of the charts, the
 * istio-system namespace and the east-west gateway. Never a Secret (cacerts, remote secrets, reader token).
 */
export function installGitOpsObjects(t: InstallTarget): KubeManifest[] {
  if (!t.install.enabled) return [];
  return [istioSystemNamespace(t), ...(t.peers.length > 0 ? [eastWestGateway(t)] : []), ...installApplications(t)];
}
