import * as assert from "assert";
import { Capture } from "./support/run-program";
import { RecordedResource } from "./support/recorder";
import { CLIENT, FIXTURE_APPS, fixtureSettings, WEB } from "./support/fixtures";
import { checkScript, verifyJobManifest } from "../components/verify-job-spec";
import { find, names, run, T } from "./support/stacks";

const JOB = "kubernetes:batch/v1:Job";
const RANDOM = "random:index/randomId:RandomId";

// On fixture apps: web (port 8080, allows client) and client.
function verifying(changes: Record<string, unknown> = {}, apps: readonly unknown[] = FIXTURE_APPS) {
  return fixtureSettings(apps, { verifyPolicies: "true", ...changes });
}
const jobName = (r: RecordedResource) => (r.inputs.metadata as { name: string }).name;
const runId = (c: Capture) => find(c, RANDOM, "web-check-run");

describe("policies proven on the cluster (verifyPolicies)", () => {
  it("is off by default: no Job, no probe namespace, no random id", async () => {
    const capture = await run(fixtureSettings());
    assert.deepStrictEqual(names(capture, JOB), []);
    assert.deepStrictEqual(names(capture, RANDOM), []);
    assert.deepStrictEqual(names(capture, T.namespace), ["client-namespace", "web-namespace"]);
  });

  it("calls an app from each allowed namespace (must answer 200) and from a probe namespace (must be refused)", async () => {
    const capture = await run(verifying());
    assert.deepStrictEqual(names(capture, JOB), ["web-check-denied", "web-check-from-client"]);
    const allowed = find(capture, JOB, "web-check-from-client").inputs;
    const denied = find(capture, JOB, "web-check-denied").inputs;
    assert.match(jobName(find(capture, JOB, "web-check-from-client")), /^verify-web-from-client-[0-9a-f]{8}$/);
    assert.match(jobName(find(capture, JOB, "web-check-denied")), /^verify-web-denied-[0-9a-f]{8}$/);
    assert.strictEqual((allowed.metadata as { namespace: string }).namespace, "client");
    assert.strictEqual((denied.metadata as { namespace: string }).namespace, "mesh-lab-probe");
    const command = (job: Record<string, unknown>) =>
      (job.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec.containers[0].command;
    assert.deepStrictEqual(command(allowed), [
      "/bin/sh",
      "-c",
      checkScript("http://web.web.svc.cluster.local:8080/", "allowed"),
    ]);
    assert.deepStrictEqual(command(denied), [
      "/bin/sh",
      "-c",
      checkScript("http://web.web.svc.cluster.local:8080/", "denied"),
    ]);
  });

  it("creates the probe namespace in the mesh, allowed by no app", async () => {
    const capture = await run(verifying());
    const probe = find(capture, T.namespace, "mesh-probe-namespace").inputs.metadata as {
      name: string;
      labels: Record<string, string>;
    };
    assert.strictEqual(probe.name, "mesh-lab-probe");
    assert.strictEqual(probe.labels["istio.io/dataplane-mode"], "ambient");
    assert.strictEqual(probe.labels["pod-security.kubernetes.io/enforce"], "restricted");
  });

  it("runs the Jobs after the policies, the workload and every namespace they use", async () => {
    const capture = await run(verifying());
    const deps = find(capture, JOB, "web-check-from-client").dependsOn;
    for (const [type, name] of [
      [T.policy, "web-deny-all"],
      [T.policy, "web-allow-from-client"],
      [T.policy, "web-allow-waypoint"],
      [T.deployment, "web-deployment"],
      [T.service, "web-service"],
      [T.namespace, "client-namespace"],
      [T.namespace, "mesh-probe-namespace"],
    ]) {
      assert.ok(deps.includes(find(capture, type, name).urn), `the check does not wait for ${name}`);
    }
  });

  it("re-runs (new id, new Job names) when a policy or the workload changes, and only then", async () => {
    const base = await run(verifying());
    const same = await run(verifying());
    assert.strictEqual(jobName(find(same, JOB, "web-check-denied")), jobName(find(base, JOB, "web-check-denied")));

    const workloadChanged = await run(verifying({}, [{ ...WEB, replicas: 2 }, CLIENT]));
    assert.notStrictEqual(
      jobName(find(workloadChanged, JOB, "web-check-denied")),
      jobName(find(base, JOB, "web-check-denied")),
    );

    const policyChanged = await run(verifying({ waypoints: "false" }));
    assert.notStrictEqual(
      jobName(find(policyChanged, JOB, "web-check-denied")),
      jobName(find(base, JOB, "web-check-denied")),
    );
    assert.notStrictEqual(runId(policyChanged).inputs.keepers, runId(base).inputs.keepers);

    // The namespace's Pod Security level is no input of the verdict: changing it does not re-run the check.
    const namespaceChanged = await run(verifying({ podSecurity: "baseline" }));
    assert.deepStrictEqual(runId(namespaceChanged).inputs.keepers, runId(base).inputs.keepers);
  });

  it("registers the Job names as the component's outputs", async () => {
    const capture = await run(verifying());
    const check = capture.resources.find((r) => r.type === "mesh-lab:index:PolicyCheck" && r.name === "web-check")!;
    const jobs = capture.resources.filter((r) => r.type === JOB && r.parent === check.urn).map((r) => jobName(r));
    assert.ok(jobs.length > 0);
    assert.deepStrictEqual(capture.componentOutputs![check.urn], { jobNames: jobs });
  });

  it("keeps the Jobs restricted, one-shot and self-cleaning", async () => {
    const capture = await run(verifying());
    const spec = find(capture, JOB, "web-check-denied").inputs.spec as Record<string, unknown> & {
      template: { spec: Record<string, unknown> };
    };
    assert.strictEqual(spec.backoffLimit, 0);
    // Three minutes for the policies to reach ztunnel and the waypoint; past it the Job fails and so does pulumi up.
    // 24 tries of at most 5 s each, 5 s apart, plus a minute to start the pod (components/verify-job-spec.ts).
    assert.strictEqual(spec.activeDeadlineSeconds, 300);
    assert.strictEqual(spec.ttlSecondsAfterFinished, 600);
    assert.strictEqual(spec.template.spec.restartPolicy, "Never");
    assert.strictEqual(spec.template.spec.automountServiceAccountToken, false);
    assert.deepStrictEqual(spec.template.spec.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });
});

describe("policy-check Jobs: the image", () => {
  it("runs the configured verifyImage in every Job, and the curl image by default", async () => {
    const images = (c: Capture) =>
      c.resources
        .filter((r) => r.type === JOB)
        .map(
          (r) =>
            (r.inputs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]
              .image,
        );
    assert.deepStrictEqual(images(await run(verifying({ verifyImage: "registry.example/tools/curl:9.0" }))), [
      "registry.example/tools/curl:9.0",
      "registry.example/tools/curl:9.0",
    ]);
    assert.deepStrictEqual(images(await run(verifying())), ["curlimages/curl:8.11.1", "curlimages/curl:8.11.1"]);
  });
});

describe("policy-check Jobs: registration", () => {
  it("creates the probe namespace and the Jobs through the stack's provider, under a PolicyCheck inside the MeshCluster", async () => {
    const capture = await run(verifying());
    assert.deepStrictEqual(capture.violations, []);
    const provider = find(capture, T.provider, "mesh-k8s");
    for (const r of [find(capture, T.namespace, "mesh-probe-namespace"), find(capture, JOB, "web-check-denied")])
      assert.strictEqual(r.provider, `${provider.urn}::mesh-k8s-id`, r.name);
    const check = find(capture, "mesh-lab:index:PolicyCheck", "web-check");
    assert.strictEqual(find(capture, JOB, "web-check-denied").parent, check.urn);
    assert.strictEqual(check.parent, find(capture, "mesh-lab:index:MeshCluster", "mesh").urn);
  });

  it("labels each Job and its pod with what it expects, and names the container check", () => {
    const job = verifyJobManifest(verifying(), {
      name: "verify-x",
      namespace: "client",
      url: "http://x/",
      expect: "denied",
    });
    assert.strictEqual(job.metadata.labels!["mesh-lab/check"], "denied");
    assert.strictEqual(job.spec!.template.metadata!.labels!["mesh-lab/check"], "denied");
    assert.strictEqual(job.spec!.template.spec!.containers[0].name, "check");
  });
});
