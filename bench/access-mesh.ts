import { stringify } from "yaml";

/**
 * A cluster of `n` tenants for the access bench: each its own ambient namespace, Deployment (its own service
 * account) and Service; every other tenant behind a waypoint; each allows the next one. `n` callers x `n` Service
 * ports: the matrix has n^2 pairs.
 */
export function accessMesh(n: number): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  const toWaypoint = { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "waypoint" }] };
  for (let i = 0; i < n; i++) {
    const ns = `tenant-${i}`;
    const next = `tenant-${(i + 1) % n}`;
    const waypoint = i % 2 === 0;
    const labels = {
      "istio.io/dataplane-mode": "ambient",
      ...(waypoint ? { "istio.io/use-waypoint": "waypoint" } : {}),
    };
    const policy = (name: string, spec: Record<string, unknown>) => ({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { name, namespace: ns },
      spec,
    });
    const allowNext = { rules: [{ from: [{ source: { namespaces: [next] } }] }] };
    objects.push(
      { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels } },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "app", namespace: ns },
        spec: {
          selector: { matchLabels: { app: "app" } },
          template: {
            metadata: { labels: { app: "app" } },
            spec: {
              serviceAccountName: "app",
              containers: [{ name: "app", image: "app", ports: [{ name: "http", containerPort: 8080 }] }],
            },
          },
        },
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "app", namespace: ns },
        spec: {
          selector: { app: "app" },
          ports: [{ name: "http", port: 80, targetPort: "http", appProtocol: "http" }],
        },
      },
      policy("deny-all", {}),
    );
    if (waypoint)
      objects.push(
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "Gateway",
          metadata: { name: "waypoint", namespace: ns },
          spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] },
        },
        policy("waypoint-deny-all", toWaypoint),
        policy("allow-next", { ...toWaypoint, ...allowNext }),
        policy("allow-waypoint", {
          rules: [{ from: [{ source: { principals: [`cluster.local/ns/${ns}/sa/waypoint`] } }] }],
        }),
      );
    else objects.push(policy("allow-next", allowNext));
  }
  return objects;
}

export const accessMeshYaml = (n: number) =>
  accessMesh(n)
    .map((o) => stringify(o))
    .join("---\n");
