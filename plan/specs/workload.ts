import { MeshSettings } from "../../config/schema";
import { httpPort } from "../../config/app-ports";
import { AppSettings } from "../../config/parse-apps";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { ISecurityContext } from "kubernetes-models/v1/SecurityContext";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Named } from "../types";
import { KEEP_ON_DELETE, PART_OF } from "./marks";

// An unprivileged uid/gid: the images' own users are not numeric or not set, and runAsNonRoot needs one.
const RUN_AS = 65532;

export const RESOURCES: IResourceRequirements = {
  requests: { cpu: "10m", memory: "16Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
};

/** Pod-level security for every pod the project runs: Pod Security `restricted`. */
export function podSecurityContext(): IPodSecurityContext {
  return { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, seccompProfile: { type: "RuntimeDefault" } };
}

export function containerSecurityContext(): ISecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
}

/** The in-mesh host name of an app's Service. */
export function serviceHost(app: AppSettings): string {
  return `${app.name}.${app.namespace}.svc.cluster.local`;
}

export function serviceAccountManifest(app: AppSettings): Named<IServiceAccount> {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: app.name,
      namespace: app.namespace,
      labels: { ...PART_OF, app: app.name },
      annotations: { ...KEEP_ON_DELETE },
    },
    // The workloads never call the Kubernetes API; ztunnel gets their identity without a mounted token.
    automountServiceAccountToken: false,
  };
}

/** The shell loop of a traffic client: one request per callee per round, status codes in the log. */
export function callLoop(settings: MeshSettings, app: AppSettings): string {
  const urls = app.calls.map((name) => {
    const target = settings.apps.find((a) => a.name === name)!;
    return `http://${serviceHost(target)}:${httpPort(target)!.port}/`;
  });
  const calls = urls.map((u) => `curl -sS -o /dev/null --max-time 3 -w '${u} %{http_code}\\n' ${u} || true`).join("; ");
  return `while true; do ${calls}; sleep ${app.callIntervalSeconds}; done`;
}

function container(settings: MeshSettings, app: AppSettings): IContainer {
  // parse-apps requires an image wherever mesh-lab deploys the workload.
  if (app.image === undefined) throw new Error(`app "${app.name}" has no image, yet mesh-lab deploys its workload`);
  const base = {
    name: app.name,
    image: app.image,
    securityContext: containerSecurityContext(),
    resources: RESOURCES,
  };
  // The demo caller: an app that serves runs its own command, whatever it calls.
  if (app.calls.length > 0 && app.port === undefined)
    return { ...base, command: ["/bin/sh", "-c", callLoop(settings, app)] };
  if (app.port === undefined) return { ...base, ...(app.args.length > 0 ? { args: [...app.args] } : {}) };
  // An HTTP port is probed with healthPath; an app without one, by opening its first port.
  const http = httpPort(app);
  const check = http
    ? { httpGet: { path: app.healthPath, port: http.name } }
    : { tcpSocket: { port: app.ports[0].name } };
  const probe = { ...check, periodSeconds: 10, timeoutSeconds: 2 };
  return {
    ...base,
    ...(app.args.length > 0 ? { args: [...app.args] } : {}),
    ports: app.ports.map((p) => ({ name: p.name, containerPort: p.port })),
    readinessProbe: { ...probe, initialDelaySeconds: 2 },
    livenessProbe: { ...probe, initialDelaySeconds: 5, failureThreshold: 3 },
  };
}

/** A Deployment whose pods meet Pod Security `restricted` and mount no service-account token. */
export function deploymentManifest(settings: MeshSettings, app: AppSettings): Named<IDeployment> {
  const labels = { ...PART_OF, app: app.name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: app.name, namespace: app.namespace, labels, annotations: { ...KEEP_ON_DELETE } },
    spec: {
      replicas: app.replicas,
      selector: { matchLabels: { app: app.name } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: app.name,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          containers: [container(settings, app)],
        },
      },
    },
  };
}

/** The app's Service; `istio.io/global` makes it reachable from the mesh's other clusters. */
export function serviceManifest(app: AppSettings & { readonly port: number }): Named<IService> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: app.name,
      namespace: app.namespace,
      labels: { ...PART_OF, app: app.name, ...(app.global ? { "istio.io/global": "true" } : {}) },
      annotations: { ...KEEP_ON_DELETE },
    },
    spec: {
      selector: { app: app.name },
      // appProtocol tells the waypoint how to read the traffic (http, grpc, or plain tcp).
      ports: app.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, appProtocol: p.protocol })),
    },
  };
}
