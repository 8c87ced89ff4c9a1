import * as pulumi from "@pulumi/pulumi";
import { adoptionWarnings } from "./components/adoption";
import { MeshCluster, ProgramMode } from "./components/mesh-cluster";
import { StackInputs } from "./config/stack-config";
import { telemetryWarnings } from "./config/telemetry-warnings";

/** The stack outputs: what a user or another stack reads back after `pulumi up`. */
export interface MeshOutputs {
  readonly kubeContext: string;
  readonly clusterName: string;
  readonly network: string;
  readonly namespaces: pulumi.Output<string[]>;
  /** In-mesh host name of each app that serves, by app name. */
  readonly serviceHosts: pulumi.Output<Record<string, string>>;
  /** The accounts Service's host name, when the stack has an `accounts` app that serves. */
  readonly accountsHost?: pulumi.Output<string>;
  /** AuthorizationPolicy names by namespace. */
  readonly policyNames: Record<string, string[]>;
  /**
   * Says, after every `pulumi up`, what `pulumi destroy` or dropping an app leaves in the cluster: these
   * namespaces with their ServiceAccount, Deployment and Service (retainOnDelete). Delete one on purpose with
   * `kubectl delete namespace <name>`.
   */
  readonly keptOnDelete: string[];
}

/**
 * The whole program for one stack. index.ts calls it once with the stack's config; tests and the GitOps
 * renderer call it once per stack with settings loaded from the stack files.
 */
export function meshProgram(inputs: StackInputs, mode: ProgramMode = "deploy"): MeshOutputs {
  const { settings } = inputs;
  for (const warning of telemetryWarnings(settings)) pulumi.log.warn(warning);
  // The render adopts nothing; only a deploy run is told to switch adoption off again.
  if (mode === "deploy") for (const warning of adoptionWarnings(settings)) pulumi.log.warn(warning);
  // The component's name is fixed, not the stack's: it prefixes no child name, and renaming it would
  // change every URN.
  const mesh = new MeshCluster("mesh", { settings, kubeconfig: inputs.kubeconfig, mode });
  const hosts: Record<string, pulumi.Output<string>> = {};
  const policyNames: Record<string, string[]> = {};
  for (const app of settings.apps) {
    const deployed = mesh.apps[app.name];
    if (deployed.host) hosts[app.name] = deployed.host;
    policyNames[app.namespace] = deployed.policyNames;
  }
  return {
    kubeContext: settings.kubeContext,
    clusterName: settings.clusterName,
    network: settings.network,
    namespaces: mesh.namespaces,
    serviceHosts: pulumi.output(hosts),
    accountsHost: hosts["accounts"],
    policyNames,
    keptOnDelete: settings.apps.map((a) => a.namespace),
  };
}
