import * as assert from "assert";
import { buildPlan } from "../plan/mesh-plan";
import { MeshPlan } from "../plan/types";
import { CLIENT, fixtureSettings, WEB } from "./support/fixtures";
import { find, runStack, stackSettings, T } from "./support/stacks";

// Objects from buildPlan (whole objects: tests/gitops-snapshot.test.ts); ordering on the program, which owns it.
type PodSpec = {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  securityContext: Record<string, unknown>;
  containers: Record<string, unknown>[];
};
const manifest = (p: MeshPlan, name: string) =>
  p.objects.find((o) => o.name === name)!.manifest as unknown as Record<string, unknown> & {
    metadata: { name: string; namespace: string };
  };
const podSpec = (p: MeshPlan, app: string) =>
  (manifest(p, `${app}-deployment`).spec as { template: { spec: PodSpec } }).template.spec;

describe("workloads", () => {
  it("creates the ServiceAccount the Deployment names, with no token mounted", () => {
    const p = buildPlan(fixtureSettings());
    const sa = manifest(p, "web-serviceaccount");
    assert.deepStrictEqual(
      [sa.metadata.name, sa.metadata.namespace, sa.automountServiceAccountToken],
      ["web", "web", false],
    );
    assert.strictEqual(podSpec(p, "web").serviceAccountName, "web");
    assert.strictEqual(podSpec(p, "web").automountServiceAccountToken, false);
  });

  it("runs the workshop's http-echo in the real stacks, meeting Pod Security restricted, with probes and resources", () => {
    const p = buildPlan(stackSettings("cluster-1"));
    assert.strictEqual((manifest(p, "accounts-deployment").spec as { replicas: number }).replicas, 1);
    const pod = podSpec(p, "accounts");
    assert.deepStrictEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [c] = pod.containers;
    assert.strictEqual(c.image, "hashicorp/http-echo:1.0");
    assert.deepStrictEqual(c.args, ["-text=accounts", "-listen=:8080"]);
    assert.deepStrictEqual(c.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    assert.deepStrictEqual(c.resources, {
      requests: { cpu: "10m", memory: "16Mi" },
      limits: { cpu: "100m", memory: "64Mi" },
    });
    // http-echo 1.0 serves /health (hashicorp/http-echo main.go); Pulumi.yaml's accounts sets healthPath to it.
    assert.deepStrictEqual((c.readinessProbe as { httpGet: unknown }).httpGet, { path: "/health", port: "http" });
    assert.deepStrictEqual((c.livenessProbe as { httpGet: unknown }).httpGet, { path: "/health", port: "http" });
  });

  it("probes / for an app that names no healthPath, and the path it names otherwise", () => {
    const [c] = podSpec(buildPlan(fixtureSettings()), "web").containers;
    assert.deepStrictEqual((c.readinessProbe as { httpGet: unknown }).httpGet, { path: "/", port: "http" });
    const [h] = podSpec(buildPlan(fixtureSettings([{ ...WEB, healthPath: "/healthz" }, CLIENT])), "web").containers;
    assert.deepStrictEqual((h.livenessProbe as { httpGet: unknown }).httpGet, { path: "/healthz", port: "http" });
  });

  it("waits for the ServiceAccount and the namespace's policies before rolling the Deployment out", async () => {
    const capture = await runStack("cluster-1");
    const deps = find(capture, T.deployment, "accounts-deployment").dependsOn;
    for (const name of ["accounts-deny-all", "accounts-allow-from-finance", "accounts-allow-waypoint"]) {
      assert.ok(deps.includes(find(capture, T.policy, name).urn), `deployment does not wait for ${name}`);
    }
    assert.ok(deps.includes(find(capture, T.serviceAccount, "accounts-serviceaccount").urn));
  });

  it("exposes accounts as a global Service in the real stacks, so the other cluster can reach it", () => {
    for (const stack of ["cluster-1", "cluster-2"]) {
      const svc = manifest(buildPlan(stackSettings(stack)), "accounts-service") as unknown as {
        metadata: { labels: Record<string, string> };
        spec?: { selector: unknown };
      };
      assert.strictEqual(svc.metadata.labels["istio.io/global"], "true", stack);
      assert.deepStrictEqual(svc.spec!.selector, { app: "accounts" });
    }
  });

  it("runs a client that calls its callees every few seconds, and gives it no Service", () => {
    const p = buildPlan(fixtureSettings([WEB, { ...CLIENT, callIntervalSeconds: 7 }]));
    const [c] = podSpec(p, "client").containers;
    assert.strictEqual(c.image, "curlimages/curl:8.11.1");
    assert.deepStrictEqual((c.command as string[]).slice(0, 2), ["/bin/sh", "-c"]);
    assert.match(
      (c.command as string[])[2],
      /^while true; do curl .* http:\/\/web\.web\.svc\.cluster\.local:8080\/ \|\| true; sleep 7; done$/,
    );
    assert.deepStrictEqual(
      p.objects.filter((o) => o.manifest.kind === "Service").map((o) => o.name),
      ["web-service"],
    );
  });

  it("adds a tenant from config alone", () => {
    // given a third app, called by the client and allowing it
    const ledger = {
      name: "ledger",
      image: "hashicorp/http-echo:1.0",
      args: ["-listen=:9090"],
      port: 9090,
      allowFrom: ["client"],
      replicas: 2,
    };
    const p = buildPlan(fixtureSettings([WEB, ledger, { ...CLIENT, calls: ["web", "ledger"] }]));
    // then it gets the same set of objects, named after it
    assert.deepStrictEqual(
      p.objects.filter((o) => o.app === "ledger").map((o) => o.name),
      [
        "ledger-namespace",
        "ledger-telemetry",
        "ledger-deny-all",
        "ledger-allow-from-client",
        "ledger-serviceaccount",
        "ledger-deployment",
        "ledger-service",
      ],
    );
    assert.strictEqual((manifest(p, "ledger-deployment").spec as { replicas: number }).replicas, 2);
    assert.match(
      (podSpec(p, "client").containers[0].command as string[])[2],
      /http:\/\/ledger\.ledger\.svc\.cluster\.local:9090\//,
    );
  });
});
