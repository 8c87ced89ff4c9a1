import { MeshSettings } from "../config/schema";
import { KubeManifest } from "../plan/types";

/**
 * Annotations only `pulumi up` acts on, added at registration and never by the plan, so the GitOps tree is
 * the same whatever they say. pulumi-kubernetes reads `patchForce` from the object's inputs and `waitFor` from the
 * live object, which carries the annotation once applied.
 */
export interface DeployMarks {
  /** Apply with force, taking over fields another manager (kubectl) owns. @default false */
  readonly adopt: boolean;
  /** Hold a waypoint Gateway's create/update until its `Programmed` condition is True. @default false */
  readonly awaitWaypoints: boolean;
}

/** pulumi-kubernetes forces a server-side apply when this annotation is "true" (await.go, `patchForce`). */
export const PATCH_FORCE = { "pulumi.com/patchForce": "true" } as const;

/** pulumi-kubernetes waits for this status condition (metadata/overrides.go `ReadyCondition`, condition/custom.go). */
export const WAIT_PROGRAMMED = { "pulumi.com/waitFor": "condition=Programmed" } as const;

export const NO_MARKS: DeployMarks = { adopt: false, awaitWaypoints: false };

/** The marks of a deploy: adoption on request; waypoints awaited when the policy checks need them. */
export function deployMarks(settings: MeshSettings): DeployMarks {
  return { adopt: settings.adoptExisting, awaitWaypoints: settings.verifyPolicies };
}

function isGateway(manifest: KubeManifest): boolean {
  return manifest.kind === "Gateway" && manifest.apiVersion.startsWith("gateway.networking.k8s.io/");
}

/** The manifest with the run's deploy-only annotations; the very same object when there are none. */
export function withDeployMarks<M extends KubeManifest>(manifest: M, marks: DeployMarks): M {
  const extra = {
    ...(marks.adopt ? PATCH_FORCE : {}),
    ...(marks.awaitWaypoints && isGateway(manifest) ? WAIT_PROGRAMMED : {}),
  };
  if (Object.keys(extra).length === 0) return manifest;
  return {
    ...manifest,
    metadata: { ...manifest.metadata, annotations: { ...manifest.metadata.annotations, ...extra } },
  };
}
