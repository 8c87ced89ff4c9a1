import * as assert from "assert";
import { AdoptionCluster, objectId, providerFieldManager } from "./support/adoption-cluster";
import { differences } from "./support/test-namespaces";

// Opt-in (MESH_LAB_TEST_KUBECONFIG): what `pulumi up -s cluster-1` meets on the workshop's end state, with the
// requests pulumi-kubernetes sends (see tests/support/kube-api.ts), on a real API server.
describe("adoption of the workshop's end state, on a real API server (MESH_LAB_TEST_KUBECONFIG)", function () {
  this.timeout(180000);
  let cluster: AdoptionCluster;

  before(async function () {
    const opened = await AdoptionCluster.open("adoption on a real API server");
    if (!opened) return this.skip();
    cluster = opened;
  });
  after(async () => cluster && (await cluster.close()));

  it("without upsert, the provider's create fails with AlreadyExists on every workshop object", async () => {
    const { theirs, ours, uids } = await cluster.workshopState();
    const existing = ours.filter((o) => uids.has(objectId(o)));
    assert.strictEqual(existing.length, theirs.length);
    for (const o of existing) {
      const res = await cluster.api.create(o);
      assert.deepStrictEqual([res.status, res.body.reason], [409, "AlreadyExists"], objectId(o));
    }
  });

  it("upsert without force conflicts with kubectl-client-side-apply on exactly the Service targetPort and the Telemetry metrics", async () => {
    const { ours } = await cluster.workshopState();
    const conflicts: Record<string, string[]> = {};
    for (const o of ours) {
      const res = await cluster.api.apply(o, providerFieldManager(), false);
      if (res.status === 409) {
        assert.ok(
          res.body.details.causes.every((c: { message: string }) =>
            c.message.startsWith('conflict with "kubectl-client-side-apply"'),
          ),
          JSON.stringify(res.body),
        );
        conflicts[`${o.kind}/${o.metadata.name}`] = res.body.details.causes.map((c: { field: string }) => c.field);
      } else
        assert.ok(
          res.status === 200 || res.status === 201,
          `${objectId(o)}: ${res.status} ${JSON.stringify(res.body)}`,
        );
    }
    assert.deepStrictEqual(conflicts, {
      "Service/accounts": ['.spec.ports[port=8080,protocol="TCP"].targetPort'],
      "Telemetry/accounts-telemetry": [".spec.metrics"],
    });
  });

  it("upsert with force takes every object over in place and leaves it as mesh-lab declares", async () => {
    const { ours, uids } = await cluster.workshopState();
    await cluster.adopt(ours, providerFieldManager(), true);
    const problems: string[] = [];
    for (const o of ours) {
      const live = (await cluster.api.get(o)).body;
      const was = uids.get(objectId(o));
      if (was && was !== live.metadata.uid)
        problems.push(`${objectId(o)}: uid ${was} became ${live.metadata.uid} (recreated)`);
      const { metadata, ...rest } = o;
      const declared = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== "apiVersion" && k !== "kind"));
      const want = { ...declared, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} };
      const got = { ...live, labels: live.metadata.labels ?? {}, annotations: live.metadata.annotations ?? {} };
      problems.push(...differences(want, got).map((d) => `${objectId(o)} ${d}`));
      // What adoption leaves behind: the workshop's manager keeps the fields it shares, and its annotation.
      if (was) {
        assert.ok(
          live.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"],
          `${objectId(o)} lost last-applied-configuration`,
        );
        assert.ok(
          live.metadata.managedFields.some((m: { manager: string }) => m.manager === "kubectl-client-side-apply"),
          `${objectId(o)}: no kubectl-client-side-apply entry`,
        );
      }
    }
    assert.deepStrictEqual(problems, []);
    // The atomic `.spec.metrics` list moved whole: the workshop's third tag is gone.
    const telemetry = (await cluster.api.get(ours.find((o) => o.kind === "Telemetry")!)).body;
    assert.deepStrictEqual(Object.keys(telemetry.spec.metrics[0].overrides[0].tagOverrides).sort(), [
      "error_type",
      "slow_request",
    ]);
  });
});
