import { MeshSettings } from "../config/settings";
import { Manifest } from "./specs/manifest";

/**
 * Annotations only `pulumi up` acts on, added at registration and never by the spec builders, so the GitOps
 * tree (render mode) is the same whatever they say. pulumi-kubernetes reads both from the object's inputs.
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

/** The marks of a run: none when rendering; adoption on request; waypoints awaited when the policy checks need them. */
export function deployMarks(settings: MeshSettings, mode: "deploy" | "render"): DeployMarks {
  return mode === "deploy" ? { adopt: settings.adoptExisting, awaitWaypoints: settings.verifyPolicies } : NO_MARKS;
}

function isGateway(manifest: Manifest): boolean {
  return manifest.kind === "Gateway" && manifest.apiVersion.startsWith("gateway.networking.k8s.io/");
}

/** The manifest with the run's deploy-only annotations; the very same object when there are none. */
export function withDeployMarks(manifest: Manifest, marks: DeployMarks): Manifest {
  const extra = { ...(marks.adopt ? PATCH_FORCE : {}), ...(marks.awaitWaypoints && isGateway(manifest) ? WAIT_PROGRAMMED : {}) };
  if (Object.keys(extra).length === 0) return manifest;
  return { ...manifest, metadata: { ...manifest.metadata, annotations: { ...manifest.metadata.annotations, ...extra } } };
}
