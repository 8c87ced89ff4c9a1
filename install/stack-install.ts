import { RawConfig } from "../config/parse-settings";
import { Manifest } from "../components/specs/manifest";
import { installApplications } from "./argocd";
import { loadMeshMembers } from "./load-mesh";
import { eastWestGateway, istioSystemNamespace } from "./manifests";
import { resolveTarget } from "./mesh-check";
import { InstallTarget } from "./settings";

/**
 * The one call `index.ts` (or `parseSettings`' caller) needs: this stack's install target, checked against every
 * stack file in `dir` (the project directory). Throws a ConfigError before anything is registered.
 */
export function readInstallTarget(stack: string, raw: RawConfig, dir: string = process.cwd()): InstallTarget {
  return resolveTarget(stack, loadMeshMembers(dir, stack, raw));
}

/**
 * What the GitOps tree holds for the install layer of one stack: the Argo CD Applications of the charts, the
 * istio-system namespace and the east-west gateway. Never a Secret (cacerts, remote secrets, reader token).
 */
export function installGitOpsObjects(t: InstallTarget): Manifest[] {
  if (!t.install.enabled) return [];
  return [istioSystemNamespace(t), ...(t.peers.length > 0 ? [eastWestGateway(t)] : []), ...installApplications(t)];
}
