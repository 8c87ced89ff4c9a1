import { httpPort } from "../config/app-ports";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MeshSettings } from "../config/schema";
import { InstallTarget } from "../config/install-settings";
import { MeshPlan } from "../plan/types";
import { groupBy } from "../access/match";
import { IstioInstall } from "./istio-install";
import { adoptionProviderArgs } from "./adoption";
import {
  clusterIdentityProblems,
  installedIdentityProblems,
  istiodLocation,
  WrongClusterError,
} from "./cluster-identity";
import { DeployMarks, deployMarks, withDeployMarks } from "./deploy-marks";
import { MeshApp } from "./mesh-app";
import { PolicyCheck } from "./policy-check";
import { registerManifest, registerPlanned } from "./register";
import { probeNamespaceManifest } from "./verify-job-spec";

/**
 * The cluster check as registrations use it: what to depend on, and, for the check of a running istiod, an Output
 * that rejects when the cluster is not the stack's. A root object's labels wait on `passed`, so nothing registers
 * before the check passes, and each registration walks only `true`: depending on an Output of the read resources
 * instead cost every dependent a walk of the whole resource graph, quadratic in apps (the mocked program of 300
 * apps took 166 s; 4.6 s this way). The install layer's check gates the same way on the values the istiod release
 * reports (300 apps with the install layer, mocked: 87.2 s before, 9.4 s so). Where those values are unknown on a
 * preview, the namespaces' labels preview as unknown.
 */
export interface ClusterCheck {
  readonly after: pulumi.Input<pulumi.Resource[]>;
  readonly passed?: pulumi.Output<true>;
}

export interface MeshClusterArgs {
  /** What the stack deploys, from `buildPlan`. */
  readonly plan: MeshPlan;
  /** Kubeconfig content or path, as a secret. @default - $KUBECONFIG or ~/.kube/config */
  readonly kubeconfig?: pulumi.Output<string>;
  /** Install Istio too (the install layer), before any mesh config. @default - Istio is installed by someone else */
  readonly install?: InstallTarget;
}

/**
 * Istio ambient mesh config for one cluster: one explicit provider, one MeshApp per tenant registering its part
 * of the plan. What only a deploy does is added here, not in the plan: the cluster behind the context is checked
 * before anything is applied, and policies are proven on it when the stack asks.
 */
export class MeshCluster extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  public readonly apps: Readonly<Record<string, MeshApp>>;
  public readonly namespaces: pulumi.Output<string[]>;
  /** The install layer, when the stack has it on. */
  public readonly install?: IstioInstall;

  constructor(name: string, args: MeshClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mesh-lab:index:MeshCluster", name, {}, opts);
    const { settings } = args.plan;
    const provider = new k8s.Provider(
      `${name}-k8s`,
      {
        context: settings.kubeContext,
        kubeconfig: args.kubeconfig,
        // Replacement follows the Istio cluster name only: renaming the kube context (or moving the
        // kubeconfig) updates the provider instead of replacing every resource behind it.
        clusterIdentifier: settings.clusterName,
        ...adoptionProviderArgs(settings),
      },
      { parent: this },
    );
    this.provider = provider;
    // With the install layer on, this stack puts Istio there itself, with its own cluster name and network: the
    // mesh config waits for the install instead of reading an istiod that a first preview cannot find yet.
    this.install = args.install
      ? new IstioInstall(`${name}-install`, { target: args.install, provider }, { parent: this })
      : undefined;
    const clusterVerified = this.install
      ? this.verifyInstall(this.install, settings)
      : this.verifyCluster(name, settings);
    const marks = deployMarks(settings);

    // The plan's objects by app, grouped once: a filter per app would be quadratic in apps.
    const byApp = groupBy(
      args.plan.objects.filter((o) => o.app !== undefined),
      (o) => o.app!,
    );
    const apps: Record<string, MeshApp> = {};
    for (const app of settings.apps) {
      const objects = byApp.get(app.name) ?? [];
      apps[app.name] = new MeshApp(app.name, { objects, provider, clusterVerified, marks }, { parent: this });
    }
    this.apps = apps;
    // What belongs to no app (the cluster's dashboard) is this component's own child; logical names are the plan's.
    for (const o of args.plan.objects.filter((p) => p.app === undefined)) {
      registerPlanned(o, marks, { parent: this, provider, dependsOn: clusterVerified.after }, clusterVerified.passed);
    }
    if (settings.verifyPolicies) this.checkPolicies(name, settings, marks);
    this.namespaces = pulumi.all(Object.values(apps).map((a) => a.namespace));
    this.registerOutputs({ namespaces: this.namespaces });
  }

  /**
   * Reads istiod and its namespace through the stack's provider and refuses a cluster that is not the declared
   * one. A missing istiod fails the run with the engine's "resource '<ns>/<name>' does not exist" (docs/deploying.md,
   * Troubleshooting, maps it to istiodNamespace/istioRevision). Logical names stay as they were.
   */
  private verifyCluster(name: string, settings: MeshSettings): ClusterCheck {
    const read = { parent: this, provider: this.provider };
    const istiod = k8s.apps.v1.Deployment.get(`${name}-istiod`, istiodLocation(settings).id, read);
    const istioSystem = k8s.core.v1.Namespace.get(`${name}-istio-system`, settings.istiodNamespace, read);
    const passed = pulumi.all([istiod.spec, istioSystem.metadata]).apply(([spec, meta]) => {
      const env =
        spec.template.spec?.containers.find((c) => c.name === "discovery")?.env ??
        spec.template.spec?.containers[0]?.env ??
        [];
      const problems = clusterIdentityProblems(settings, env, meta.labels ?? {});
      if (problems.length > 0) throw new WrongClusterError(settings.stack, problems);
      return true as const;
    });
    return { after: [istiod, istioSystem], passed };
  }

  /**
   * With the install layer on: the mesh config waits for the install, then checks the values the istiod release
   * reports (its `values` output) against the stack's cluster name and network. A first preview on an empty
   * cluster has no istiod Deployment to read, so the identity comes from the release this stack installs.
   */
  private verifyInstall(install: IstioInstall, settings: MeshSettings): ClusterCheck {
    const passed = install.installedValues.apply((values) => {
      const problems = installedIdentityProblems(settings, values);
      if (problems.length > 0) throw new WrongClusterError(settings.stack, problems);
      return true as const;
    });
    return { after: install.ready, passed };
  }

  private checkPolicies(name: string, settings: MeshSettings, marks: DeployMarks): void {
    const child = { parent: this, provider: this.provider };
    const namespaces = Object.values(this.apps).map((a) => a.namespaceResource);
    const probe = registerManifest(
      `${name}-probe-namespace`,
      withDeployMarks(probeNamespaceManifest(settings), marks),
      { ...child, dependsOn: namespaces },
    );
    for (const app of settings.apps) {
      // A chart's workload (workload: false) has a Service mesh-lab does not know, and the checks call over HTTP:
      // nothing to call without mesh-lab's Service and an HTTP port.
      const http = httpPort(app);
      if (http === undefined || !app.workload) continue;
      const deployed = this.apps[app.name];
      new PolicyCheck(
        `${app.name}-check`,
        {
          settings,
          app: { ...app, port: http.port },
          specs: deployed.checkedSpecs,
          after: [...deployed.applied, ...namespaces, probe],
          provider: this.provider,
        },
        { parent: this },
      );
    }
  }
}
