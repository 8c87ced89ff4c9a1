import * as assert from "assert";
import { AdoptionCluster, objectId, providerFieldManager } from "./support/adoption-cluster";
import { KubeObject } from "./support/kube-api";
import { CLIENT_SIDE_MANAGER as CSA, LAST_APPLIED, releaseOps } from "../components/adoption";

// Opt-in (MESH_LAB_TEST_KUBECONFIG): what a forced adoption leaves for later: kubectl-client-side-apply's
// managed fields and its last-applied-configuration annotation, and what each does to the next apply.

describe("after a forced adoption, on a real API server (MESH_LAB_TEST_KUBECONFIG)", function () {
  this.timeout(180000);
  let cluster: AdoptionCluster;

  before(async function () {
    const opened = await AdoptionCluster.open("after a forced adoption");
    if (!opened) return this.skip();
    cluster = opened;
  });
  after(async () => cluster && (await cluster.close()));

  const find = (objects: KubeObject[], kind: string) => objects.find((o) => o.kind === kind)!;
  const live = async (o: KubeObject) => (await cluster.api.get(o)).body;
  /** mesh-lab's accounts Deployment with one more replica: a later change to a field the workshop also set. */
  const scaled = (objects: KubeObject[]) => {
    const d = structuredClone(find(objects, "Deployment"));
    (d.spec as { replicas: number }).replicas = 2;
    return d;
  };
  /** Removes the workshop's managedFields entry (guarded by a test op) and its annotation. */
  async function forgetWorkshop(o: KubeObject): Promise<void> {
    // The very operations `npm run adopt:release` sends (components/adoption.ts).
    const ops = releaseOps(await live(o));
    assert.ok(ops.length > 0);
    assert.strictEqual(
      (
        await cluster.api.request(
          "PATCH",
          await cluster.api.path(o),
          JSON.stringify(ops),
          "application/json-patch+json",
        )
      ).status,
      200,
    );
  }

  it("a later mesh-lab change to a field the workshop also set conflicts without force", async () => {
    const { ours } = await cluster.workshopState();
    const manager = providerFieldManager();
    await cluster.adopt(ours, manager, true);
    const res = await cluster.api.apply(scaled(ours), manager, false);
    assert.deepStrictEqual(
      [res.status, res.body.details?.causes],
      [
        409,
        [{ reason: "FieldManagerConflict", message: `conflict with "${CSA}" using apps/v1`, field: ".spec.replicas" }],
      ],
    );
  });

  it("once the workshop's managedFields entry and annotation are removed, the same change applies without force, in place", async () => {
    const { ours, uids } = await cluster.workshopState();
    const manager = providerFieldManager();
    await cluster.adopt(ours, manager, true);
    const deployment = find(ours, "Deployment");
    await forgetWorkshop(deployment);
    const res = await cluster.api.apply(scaled(ours), manager, false);
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    assert.deepStrictEqual([res.body.metadata.uid, res.body.spec.replicas], [uids.get(objectId(deployment)), 2]);
    assert.deepStrictEqual(
      res.body.metadata.managedFields.map((m: { manager: string }) => m.manager),
      [manager],
    );
  });

  it("re-applying the workshop's files client-side reverts what adoption changed, and the next apply without force conflicts again", async () => {
    const { theirs, ours, kubectlApply } = await cluster.workshopState();
    const manager = providerFieldManager();
    await cluster.adopt(ours, manager, true);
    kubectlApply(theirs);
    assert.strictEqual((await live(find(ours, "Service"))).spec.ports[0].targetPort, 8080);
    assert.ok((await live(find(ours, "Telemetry"))).spec.metrics[0].overrides[0].tagOverrides.source_namespace);
    const conflicted = [];
    for (const o of ours)
      if ((await cluster.api.apply(o, manager, false)).status === 409) conflicted.push(`${o.kind}/${o.metadata.name}`);
    assert.deepStrictEqual(conflicted, ["Service/accounts", "Telemetry/accounts-telemetry"]);
  });

  for (const annotation of ["kept", "removed"] as const) {
    it(`a client-side apply of a workshop file that drops a field mesh-lab declares: annotation ${annotation}`, async () => {
      const { theirs, ours, kubectlApply } = await cluster.workshopState();
      await cluster.adopt(ours, providerFieldManager(), true);
      const telemetry = find(ours, "Telemetry");
      if (annotation === "removed") {
        const drop = { metadata: { annotations: { [LAST_APPLIED]: null } } };
        assert.strictEqual(
          (
            await cluster.api.request(
              "PATCH",
              await cluster.api.path(telemetry),
              JSON.stringify(drop),
              "application/merge-patch+json",
            )
          ).status,
          200,
        );
      }
      // given the user's Telemetry file, edited to drop accessLogging
      const edited = structuredClone(find(theirs, "Telemetry"));
      delete (edited.spec as Record<string, unknown>).accessLogging;
      kubectlApply([edited]);
      // then the stale annotation's three-way merge deletes it; without the annotation it stays
      const accessLogging = (await live(telemetry)).spec.accessLogging;
      if (annotation === "kept") assert.strictEqual(accessLogging, undefined);
      else assert.deepStrictEqual(accessLogging, [{ providers: [{ name: "envoy" }] }]);
    });
  }
});
