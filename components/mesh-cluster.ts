import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MeshSettings } from "../config/settings";
import { MeshApp } from "./mesh-app";

export interface MeshClusterArgs {
  readonly settings: MeshSettings;
  /** Kubeconfig content or path, as a secret. @default - $KUBECONFIG or ~/.kube/config */
  readonly kubeconfig?: pulumi.Output<string>;
}

/** Istio ambient mesh config for one cluster: one explicit provider, one MeshApp per tenant. */
export class MeshCluster extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  public readonly apps: Readonly<Record<string, MeshApp>>;
  public readonly namespaces: pulumi.Output<string[]>;

  constructor(name: string, args: MeshClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mesh-lab:index:MeshCluster", name, {}, opts);
    const { settings } = args;
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        context: settings.kubeContext,
        kubeconfig: args.kubeconfig,
        // Replacement follows the Istio cluster name only: renaming the kube context (or moving the
        // kubeconfig) updates the provider instead of replacing every resource behind it.
        clusterIdentifier: settings.clusterName,
      },
      { parent: this },
    );
    const apps: Record<string, MeshApp> = {};
    for (const app of settings.apps) {
      apps[app.name] = new MeshApp(app.name, { settings, app, provider: this.provider }, { parent: this });
    }
    this.apps = apps;
    this.namespaces = pulumi.all(Object.values(apps).map((a) => a.namespace));
    this.registerOutputs({ namespaces: this.namespaces });
  }
}
