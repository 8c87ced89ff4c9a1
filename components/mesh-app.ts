import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubeManifest, PlannedObject } from "../plan/types";
import { registerPlanned } from "./register";
import { DeployMarks, NO_MARKS } from "./deploy-marks";
import type { ClusterCheck } from "./mesh-cluster";

export interface MeshAppArgs {
  /** The app's objects from the plan, in registration order. */
  readonly objects: readonly PlannedObject[];
  /** The stack's Kubernetes provider; every child is created through it. */
  readonly provider: k8s.Provider;
  /** The cluster check; the namespace, and so everything, waits for it to pass. @default - no wait */
  readonly clusterVerified?: ClusterCheck;
  /** Deploy-only annotations (adoption, waiting for the waypoint). @default - none, as the render needs */
  readonly marks?: DeployMarks;
}

// The kinds a policy check's verdict depends on, in the order their specs key its run id: a change to any
// of them re-runs the check (and a new order would re-run every check once).
const CHECKED_KINDS = ["AuthorizationPolicy", "Gateway", "Deployment", "Service"];

/** One tenant of the mesh: registers its planned objects (namespace, waypoint, telemetry, policies, workload). */
export class MeshApp extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  /** The Service's in-mesh host name, for an app with a port. */
  public readonly host?: pulumi.Output<string>;
  /** Names of the AuthorizationPolicies in the namespace. */
  public readonly policyNames: string[];
  public readonly namespaceResource: k8s.core.v1.Namespace;
  /** The specs a policy check's verdict depends on: policies, waypoint, Deployment, Service. */
  public readonly checkedSpecs: readonly KubeManifest[];
  /** The applied policies, waypoint and workload, which a policy check must wait for. */
  public readonly applied: readonly pulumi.Resource[];

  constructor(name: string, args: MeshAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mesh-lab:index:MeshApp", name, {}, opts);
    const marks = args.marks ?? NO_MARKS;
    const registered = new Map<string, pulumi.CustomResource>();
    let namespace: k8s.core.v1.Namespace | undefined;
    let service: k8s.core.v1.Service | undefined;
    for (const o of args.objects) {
      const after = o.dependsOn.map((d) => registered.get(d)!);
      // The plan's roots (the namespace) wait for the cluster check; everything else waits for them.
      const root = o.dependsOn.length === 0;
      const dependsOn = root ? args.clusterVerified?.after : after;
      const gate = root ? args.clusterVerified?.passed : undefined;
      const resource = registerPlanned(o, marks, { parent: this, provider: args.provider, dependsOn }, gate);
      registered.set(o.name, resource);
      if (o.manifest.kind === "Namespace") namespace = resource as k8s.core.v1.Namespace;
      if (o.manifest.kind === "Service") service = resource as k8s.core.v1.Service;
    }
    if (!namespace) throw new Error(`MeshApp "${name}": the plan has no Namespace for it`);
    if (service)
      this.host = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    const checked = CHECKED_KINDS.flatMap((kind) => args.objects.filter((o) => o.manifest.kind === kind));
    this.policyNames = args.objects
      .filter((o) => o.manifest.kind === "AuthorizationPolicy")
      .map((o) => o.manifest.metadata.name);
    this.namespaceResource = namespace;
    this.checkedSpecs = checked.map((o) => o.manifest);
    // The waypoint too: with `pulumi.com/waitFor` it counts as created only once Programmed.
    this.applied = checked.map((o) => registered.get(o.name)!);
    this.namespace = namespace.metadata.name;
    this.registerOutputs({ namespace: this.namespace, host: this.host, policyNames: this.policyNames });
  }
}
