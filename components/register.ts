import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { keptOnDelete, Manifest } from "./specs/manifest";

/**
 * Registers a manifest as the matching Pulumi Kubernetes resource, unchanged, so what `pulumi up` applies
 * and what the GitOps tree holds are the same data. Built-in kinds get their typed class (Deployments are
 * awaited until rolled out); Istio and Gateway API kinds go through CustomResource.
 */
export function registerManifest(name: string, manifest: Manifest, options: pulumi.CustomResourceOptions): pulumi.CustomResource {
  // One mark decides both paths: what GitOps tools must not prune, `pulumi up` keeps on delete.
  const opts = keptOnDelete(manifest) ? { ...options, retainOnDelete: true } : options;
  // The spec builders' output is checked against the real schemas in tests; the casts only bridge the
  // builders' plain-data type to the SDK's Input types.
  const args = manifest as unknown;
  switch (`${manifest.apiVersion}/${manifest.kind}`) {
    case "v1/Namespace":
      return new k8s.core.v1.Namespace(name, args as k8s.core.v1.NamespaceArgs, opts);
    case "v1/ServiceAccount":
      return new k8s.core.v1.ServiceAccount(name, args as k8s.core.v1.ServiceAccountArgs, opts);
    case "v1/Service":
      return new k8s.core.v1.Service(name, args as k8s.core.v1.ServiceArgs, opts);
    case "apps/v1/Deployment":
      return new k8s.apps.v1.Deployment(name, args as k8s.apps.v1.DeploymentArgs, opts);
    default:
      if (manifest.apiVersion.indexOf(".") < 0) throw new Error(`registerManifest: no typed class wired for built-in ${manifest.apiVersion}/${manifest.kind}`);
      return new k8s.apiextensions.CustomResource(name, args as k8s.apiextensions.CustomResourceArgs, opts);
  }
}
