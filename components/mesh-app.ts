import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hasWaypoint } from "../config/parse-settings";
import { AppSettings, MeshSettings } from "../config/settings";
import { DeployMarks, NO_MARKS, withDeployMarks } from "./deploy-marks";
import { registerManifest as registerSpec } from "./register";
import { authorizationManifests } from "./specs/authorization";
import { namespaceManifest } from "./specs/namespace";
import { telemetryManifest } from "./specs/telemetry";
import { waypointManifest } from "./specs/waypoint";
import { Manifest } from "./specs/manifest";
import { deploymentManifest, serviceAccountManifest, serviceManifest } from "./specs/workload";

export interface MeshAppArgs {
  readonly settings: MeshSettings;
  readonly app: AppSettings;
  /** The stack's Kubernetes provider; every child is created through it. */
  readonly provider: k8s.Provider;
  /** Resolves once the cluster is known to be the stack's own; the namespace, and so everything, waits for it. @default - no wait */
  readonly clusterVerified?: pulumi.Input<pulumi.Resource[]>;
  /** Deploy-only annotations (adoption, waiting for the waypoint). @default - none, as the render needs */
  readonly marks?: DeployMarks;
}

/** One tenant of the mesh: its ambient namespace, waypoint, telemetry, policies and workload. */
export class MeshApp extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  /** The Service's in-mesh host name, for an app with a port. */
  public readonly host?: pulumi.Output<string>;
  /** Names of the AuthorizationPolicies in the namespace. */
  public readonly policyNames: string[];
  public readonly namespaceResource: k8s.core.v1.Namespace;
  /** The specs a policy check's verdict depends on: policies, waypoint, Deployment, Service. */
  public readonly checkedSpecs: readonly Manifest[];
  /** The applied policies, workload and waypoint, which a policy check must wait for. */
  public readonly applied: readonly pulumi.Resource[];

  constructor(name: string, args: MeshAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mesh-lab:index:MeshApp", name, {}, opts);
    const { settings, app, provider } = args;
    const child = { parent: this, provider };
    const marks = args.marks ?? NO_MARKS;
    const registerManifest = (n: string, m: Manifest, o: pulumi.CustomResourceOptions) => registerSpec(n, withDeployMarks(m, marks), o);
    // Namespaces and workloads outlive the stack (their specs carry KEEP_ON_DELETE, which registerManifest
    // turns into retainOnDelete): removing an app from config or `pulumi destroy` leaves them running, as a
    // namespace delete would take everything in it. Policies, waypoint and telemetry are not kept: a
    // removed allow must really be revoked.
    // Logical names below are `${name}-<role>` and frozen: renaming one deletes and recreates the object
    // in every cluster. Move one only with an alias.
    const ns = registerManifest(`${name}-namespace`, namespaceManifest(settings, app), { ...child, dependsOn: args.clusterVerified }) as k8s.core.v1.Namespace;
    const inNamespace = { ...child, dependsOn: [ns] };

    const waypoint = hasWaypoint(settings, app) ? waypointManifest(app, settings) : undefined;
    const waypointResource = waypoint ? registerManifest(`${name}-waypoint`, waypoint, inNamespace) : undefined;
    if (app.port !== undefined) registerManifest(`${name}-telemetry`, telemetryManifest(app, settings.telemetry), inNamespace);

    const policies = authorizationManifests(settings, app);
    // Policies go in before the workload, so it never serves a moment without deny-by-default.
    const policyResources = policies.map((p) => registerManifest(`${name}-${p.metadata.name}`, p, inNamespace));
    this.policyNames = policies.map((p) => p.metadata.name);

    const sa = registerManifest(`${name}-serviceaccount`, serviceAccountManifest(app), { ...child, dependsOn: [ns] });
    const deployment = deploymentManifest(settings, app);
    const service = app.port === undefined ? undefined : serviceManifest({ ...app, port: app.port });
    const workload: pulumi.Resource[] = [registerManifest(`${name}-deployment`, deployment, { ...child, dependsOn: [ns, sa, ...policyResources] })];
    if (service) {
      const svc = registerManifest(`${name}-service`, service, { ...child, dependsOn: [ns] }) as k8s.core.v1.Service;
      workload.push(svc);
      this.host = pulumi.interpolate`${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`;
    }
    this.namespaceResource = ns;
    this.checkedSpecs = [...policies, ...(waypoint ? [waypoint] : []), deployment, ...(service ? [service] : [])];
    // The waypoint too: with `pulumi.com/waitFor` it counts as created only once Programmed.
    this.applied = [...policyResources, ...workload, ...(waypointResource ? [waypointResource] : [])];
    this.namespace = ns.metadata.name;
    this.registerOutputs({ namespace: this.namespace, host: this.host, policyNames: this.policyNames });
  }
}
