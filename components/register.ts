import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubeManifest, PlannedObject } from "../plan/types";
import { DeployMarks, withDeployMarks } from "./deploy-marks";

/**
 * The one place the schemas' types meet the SDK's: both describe the same Kubernetes objects, but the SDK's
 * args wrap every field in `Input<>` and spell a few unions differently (int-or-string ports), so TypeScript
 * cannot relate them. The plan's objects are checked against the real schemas by the render's tests.
 */
export function sdkArgs<T>(manifest: object): T {
  return manifest as T;
}

/**
 * Registers a planned manifest as the matching Pulumi Kubernetes resource, unchanged, so what `pulumi up`
 * applies and what the GitOps tree holds are the same data. Built-in kinds get their typed class
 * (Deployments are awaited until rolled out); Istio and Gateway API kinds go through CustomResource.
 */
export function registerManifest(
  name: string,
  manifest: KubeManifest,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  switch (manifest.kind) {
    case "Namespace":
      return new k8s.core.v1.Namespace(name, sdkArgs(manifest), opts);
    case "ServiceAccount":
      return new k8s.core.v1.ServiceAccount(name, sdkArgs(manifest), opts);
    case "Service":
      return new k8s.core.v1.Service(name, sdkArgs(manifest), opts);
    case "Deployment":
      return new k8s.apps.v1.Deployment(name, sdkArgs(manifest), opts);
    case "Secret":
      return new k8s.core.v1.Secret(name, sdkArgs(manifest), opts);
    case "ConfigMap":
      return new k8s.core.v1.ConfigMap(name, sdkArgs(manifest), opts);
    default:
      return new k8s.apiextensions.CustomResource(name, sdkArgs(manifest), opts);
  }
}

/**
 * Registers one object of the plan: its logical name, the run's deploy-only marks, and `retainOnDelete` for what
 * the plan keeps (namespaces and workloads outlive their removal from config). The one way both components do it.
 * With a `gate` (the cluster check), nothing is registered until it resolves, and nothing if it rejects.
 */
export function registerPlanned(
  o: PlannedObject,
  marks: DeployMarks,
  opts: pulumi.CustomResourceOptions,
  gate?: pulumi.Output<unknown>,
): pulumi.CustomResource {
  const manifest = withDeployMarks(o.manifest, marks);
  // Gated: the object's labels (every planned object has some) are known only once `gate` resolves, so it is not
  // registered before, nor if it rejects. Labels, not the name: were the gate unknown on a preview, an unknown
  // name would show every object as replaced (metadata.name forces a new object); unknown labels as updated.
  const gated =
    gate === undefined
      ? manifest
      : sdkArgs<KubeManifest>({
          ...manifest,
          metadata: { ...manifest.metadata, labels: gate.apply(() => manifest.metadata.labels) },
        });
  return registerManifest(o.name, gated, {
    ...opts,
    ...(o.keep ? { retainOnDelete: true } : {}),
  });
}
