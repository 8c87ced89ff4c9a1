import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hasWaypoint } from "../config/parse-settings";
import { AppSettings, MeshSettings } from "../config/settings";
import { registerManifest } from "./register";
import { authorizationManifests } from "./specs/authorization";
import { namespaceManifest } from "./specs/namespace";
import { telemetryManifest } from "./specs/telemetry";
import { waypointManifest } from "./specs/waypoint";
import { deploymentManifest, serviceAccountManifest, serviceManifest } from "./specs/workload";

export interface MeshAppArgs {
  readonly settings: MeshSettings;
  readonly app: AppSettings;
  /** The stack's Kubernetes provider; every child is created through it. */
  readonly provider: k8s.Provider;
}

/** One tenant of the mesh: its ambient namespace, waypoint, telemetry, policies and workload. */
export class MeshApp extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  /** The Service's in-mesh host name, for an app with a port. */
  public readonly host?: pulumi.Output<string>;
  /** Names of the AuthorizationPolicies in the namespace. */
  public readonly policyNames: string[];

  constructor(name: string, args: MeshAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mesh-lab:index:MeshApp", name, {}, opts);
    const { settings, app, provider } = args;
    const child = { parent: this, provider };
    // Logical names below are `${name}-<role>` and frozen: renaming one deletes and recreates the object
    // in every cluster. Move one only with an alias.
    const ns = registerManifest(`${name}-namespace`, namespaceManifest(settings, app), child) as k8s.core.v1.Namespace;
    const inNamespace = { ...child, dependsOn: [ns] };

    if (hasWaypoint(settings, app)) registerManifest(`${name}-waypoint`, waypointManifest(app), inNamespace);
    if (app.port !== undefined) registerManifest(`${name}-telemetry`, telemetryManifest(app, settings.telemetry), inNamespace);

    const policies = authorizationManifests(settings, app);
    // Policies go in before the workload, so it never serves a moment without deny-by-default.
    const policyResources = policies.map((p) => registerManifest(`${name}-${p.metadata.name}`, p, inNamespace));
    this.policyNames = policies.map((p) => p.metadata.name);

    const sa = registerManifest(`${name}-serviceaccount`, serviceAccountManifest(app), inNamespace);
    registerManifest(`${name}-deployment`, deploymentManifest(settings, app), { ...child, dependsOn: [ns, sa, ...policyResources] });
    if (app.port !== undefined) {
      const svc = registerManifest(`${name}-service`, serviceManifest({ ...app, port: app.port }), inNamespace) as k8s.core.v1.Service;
      this.host = pulumi.interpolate`${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`;
    }
    this.namespace = ns.metadata.name;
    this.registerOutputs({ namespace: this.namespace, host: this.host, policyNames: this.policyNames });
  }
}
