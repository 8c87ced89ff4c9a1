import * as pulumi from "@pulumi/pulumi";
import { StackInputs } from "../config/pulumi-config";
import { buildPlan } from "../plan/mesh-plan";
import { MeshCluster } from "./mesh-cluster";
import { adoptionWarnings } from "./adoption";

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
  /** With the install layer on: the outputs peers read (secret), and what the mesh still lacks after this run. */
  readonly install?: {
    readonly outputs: Record<string, pulumi.Output<unknown>>;
    readonly missing: pulumi.Output<string[]>;
  };
}

export interface ProgramHooks {
  /** Where the plan's warnings go: `pulumi.log.warn` under the CLI, the test's own list in tests. */
  readonly warn: (message: string) => void;
}

/** The whole deploy for one stack: the plan from its settings, registered through the stack's own provider. */
export function meshProgram(inputs: StackInputs, hooks: ProgramHooks): MeshOutputs {
  const plan = buildPlan(inputs.settings);
  for (const warning of plan.warnings) hooks.warn(warning);
  // Adoption is a deploy concern, so its warning comes from here, not from the plan.
  for (const warning of adoptionWarnings(inputs.settings)) hooks.warn(warning);
  // The component's name is fixed, not the stack's: a child's URN holds its ancestors' types, not their names,
  // but the provider and the cluster-check reads take "mesh" into their own names (mesh-k8s, mesh-istiod), so a
  // rename would rename them (tests/resource-list).
  const mesh = new MeshCluster("mesh", { plan, kubeconfig: inputs.kubeconfig, install: inputs.install });
  const hosts: Record<string, pulumi.Output<string>> = {};
  const policyNames: Record<string, string[]> = {};
  for (const app of plan.settings.apps) {
    const deployed = mesh.apps[app.name];
    if (deployed.host) hosts[app.name] = deployed.host;
    policyNames[app.namespace] = deployed.policyNames;
  }
  const { settings } = plan;
  return {
    kubeContext: settings.kubeContext,
    clusterName: settings.clusterName,
    network: settings.network,
    namespaces: mesh.namespaces,
    serviceHosts: pulumi.output(hosts),
    accountsHost: hosts["accounts"],
    policyNames,
    ...(mesh.install ? { install: { outputs: mesh.install.stackOutputs, missing: mesh.install.missing } } : {}),
    keptOnDelete: plan.objects
      .filter((o) => o.keep && o.manifest.kind === "Namespace")
      .map((o) => o.manifest.metadata.name),
  };
}
