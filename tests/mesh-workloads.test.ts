import * as assert from "assert";
import { parseSettings } from "../config/parse-settings";
import { defaultApps, find, names, run, stackSettings, T, withConfig } from "./support/stacks";

type PodSpec = {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  securityContext: Record<string, unknown>;
  containers: Record<string, unknown>[];
};
const podSpec = (d: Record<string, unknown>) => (d.spec as { template: { spec: PodSpec } }).template.spec;

describe("workloads", () => {
  it("creates the ServiceAccount the accounts Deployment names, with no token mounted", async () => {
    const capture = await run(stackSettings("cluster-1"));
    const sa = find(capture, T.serviceAccount, "accounts-serviceaccount").inputs;
    assert.deepStrictEqual(sa.metadata, {
      name: "accounts",
      namespace: "accounts",
      labels: { "app.kubernetes.io/part-of": "mesh-lab", app: "accounts" },
      annotations: { "argocd.argoproj.io/sync-options": "Prune=false", "kustomize.toolkit.fluxcd.io/prune": "disabled" },
    });
    assert.strictEqual(sa.automountServiceAccountToken, false);
    const pod = podSpec(find(capture, T.deployment, "accounts-deployment").inputs);
    assert.strictEqual(pod.serviceAccountName, "accounts");
    assert.strictEqual(pod.automountServiceAccountToken, false);
  });

  it("runs http-echo as in the workshop, meeting Pod Security restricted, with probes and resources", async () => {
    const capture = await run(stackSettings("cluster-1"));
    const deployment = find(capture, T.deployment, "accounts-deployment").inputs;
    assert.strictEqual((deployment.spec as { replicas: number }).replicas, 1);
    const pod = podSpec(deployment);
    assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
    const [c] = pod.containers;
    assert.strictEqual(c.image, "hashicorp/http-echo:1.0");
    assert.deepStrictEqual(c.args, ["-text=accounts", "-listen=:8080"]);
    assert.deepStrictEqual(c.ports, [{ name: "http", containerPort: 8080 }]);
    assert.deepStrictEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
    assert.deepStrictEqual(c.resources, { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } });
    // http-echo 1.0 serves /health (hashicorp/http-echo main.go); Pulumi.yaml's accounts sets healthPath to it.
    assert.deepStrictEqual((c.readinessProbe as { httpGet: unknown }).httpGet, { path: "/health", port: "http" });
    assert.deepStrictEqual((c.livenessProbe as { httpGet: unknown }).httpGet, { path: "/health", port: "http" });
  });

  it("probes / for an app that names no healthPath", async () => {
    const apps = defaultApps().map((a) => ({ ...a, healthPath: undefined }));
    const capture = await run(parseSettings("cluster-1", withConfig("cluster-1", { apps })));
    const [c] = podSpec(find(capture, T.deployment, "accounts-deployment").inputs).containers;
    assert.deepStrictEqual((c.readinessProbe as { httpGet: unknown }).httpGet, { path: "/", port: "http" });
  });

  it("waits for the ServiceAccount and the namespace's policies before rolling the Deployment out", async () => {
    const capture = await run(stackSettings("cluster-1"));
    const deps = find(capture, T.deployment, "accounts-deployment").dependsOn;
    for (const name of ["accounts-deny-all", "accounts-allow-from-finance", "accounts-allow-waypoint"]) {
      assert.ok(deps.includes(find(capture, T.policy, name).urn), `deployment does not wait for ${name}`);
    }
    assert.ok(deps.includes(find(capture, T.serviceAccount, "accounts-serviceaccount").urn));
  });

  it("exposes accounts on 8080 as a global Service, so the other cluster can reach it", async () => {
    const capture = await run(stackSettings("cluster-2"));
    const svc = find(capture, T.service, "accounts-service").inputs;
    assert.deepStrictEqual(svc.metadata, {
      name: "accounts",
      namespace: "accounts",
      labels: { "app.kubernetes.io/part-of": "mesh-lab", app: "accounts", "istio.io/global": "true" },
      annotations: { "argocd.argoproj.io/sync-options": "Prune=false", "kustomize.toolkit.fluxcd.io/prune": "disabled" },
    });
    assert.deepStrictEqual(svc.spec, { selector: { app: "accounts" }, ports: [{ name: "http", port: 8080, targetPort: "http", appProtocol: "http" }] });
  });

  it("runs a finance client that calls accounts every few seconds, and gives it no Service", async () => {
    const capture = await run(stackSettings("cluster-1"));
    const [c] = podSpec(find(capture, T.deployment, "finance-deployment").inputs).containers;
    assert.strictEqual(c.image, "curlimages/curl:8.11.1");
    const script = (c.command as string[])[2];
    assert.deepStrictEqual((c.command as string[]).slice(0, 2), ["/bin/sh", "-c"]);
    assert.match(script, /^while true; do curl .* http:\/\/accounts\.accounts\.svc\.cluster\.local:8080\/ \|\| true; sleep 5; done$/);
    assert.deepStrictEqual(names(capture, T.service), ["accounts-service"]);
  });

  it("adds a tenant from config alone", async () => {
    // given a third app, called by finance and allowing it
    const apps = defaultApps();
    apps.push({ name: "ledger", image: "hashicorp/http-echo:1.0", args: ["-text=ledger", "-listen=:9090"], port: 9090, allowFrom: ["finance"], replicas: 2 });
    (apps[1].calls as string[]).push("ledger");
    const capture = await run(parseSettings("cluster-1", withConfig("cluster-1", { apps })));
    // then it gets the same set of resources, named after it
    assert.deepStrictEqual(names(capture, T.namespace), ["accounts-namespace", "finance-namespace", "ledger-namespace"]);
    assert.strictEqual((find(capture, T.deployment, "ledger-deployment").inputs.spec as { replicas: number }).replicas, 2);
    assert.ok(find(capture, T.policy, "ledger-allow-from-finance"));
    assert.ok(find(capture, T.telemetry, "ledger-telemetry"));
    const script = (podSpec(find(capture, T.deployment, "finance-deployment").inputs).containers[0].command as string[])[2];
    assert.match(script, /http:\/\/ledger\.ledger\.svc\.cluster\.local:9090\//);
  });
});
