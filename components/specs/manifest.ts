/** A Kubernetes object as plain data: what the program registers and what the GitOps tree holds. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** Set on every object the program owns, so `kubectl get -l` finds them and GitOps tools can prune by it. */
export const PART_OF = { "app.kubernetes.io/part-of": "mesh-lab" } as const;

/** The name every waypoint Gateway gets; its pods run as a service account of the same name. */
export const WAYPOINT_NAME = "waypoint";
