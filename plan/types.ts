import type { IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import type { IGateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import type { ITelemetry } from "@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry";
import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { MeshSettings } from "../config/schema";

/** Object metadata with the name every planned object must have: GitOps needs fixed names. */
export type Named<T extends { metadata?: IObjectMeta }> = Omit<T, "metadata"> & {
  metadata: IObjectMeta & { name: string };
};

/**
 * Every kind the plan holds, typed by the schemas' own interfaces (kubernetes-models and @kubernetes-models/*),
 * so a misspelt field fails `tsc`. A new kind is one more member here.
 */
export type KubeManifest =
  | Named<INamespace>
  | Named<IServiceAccount>
  | Named<IService>
  | Named<IDeployment>
  | Named<IGateway>
  | Named<ITelemetry>
  | Named<IAuthorizationPolicy>
  | Named<IPrometheusRule>
  | Named<IConfigMap>
  | Named<ISecret>
  | Named<IApplication>;

/**
 * Where an object belongs in the GitOps tree when every stack that could have it has it: `base` (mesh-wide:
 * namespaces, Telemetry), `app` (an app's workload, in `apps/<app>/`), `cluster` (traffic rules, reviewed per
 * cluster in `clusters/<stack>/`), `observability` (SLO rules and dashboards, `observability/<stack>/`, a layer of
 * their own, since they name the cluster).
 */
export type Layer = "base" | "app" | "cluster" | "observability";

/** One Kubernetes object of the plan, with what both consumers (`pulumi up` and the render) need to know. */
export interface PlannedObject {
  /** The Pulumi logical name, `<app>-<role>`. Frozen: renaming one replaces the object in every cluster. */
  readonly name: string;
  /** The app it belongs to: its MeshApp component registers it. None for cluster-wide objects (the dashboard). */
  readonly app?: string;
  readonly layer: Layer;
  /** Outlives its removal from config: `pulumi up` retains it on delete and GitOps tools must not prune it. */
  readonly keep: boolean;
  /** Logical names of objects of the same plan that must be applied first. */
  readonly dependsOn: readonly string[];
  readonly manifest: KubeManifest;
}

/** Everything one stack deploys, as data: what `pulumi up` registers and what the render writes. */
export interface MeshPlan {
  readonly settings: MeshSettings;
  /** In registration order; an object comes after everything it depends on. */
  readonly objects: readonly PlannedObject[];
  /** Config that is valid but will not do what it seems to (printed by preview, up and the render). */
  readonly warnings: readonly string[];
}
