import * as assert from "assert";
import { applyPatch } from "rfc6902";
import { CLIENT_SIDE_MANAGER, LAST_APPLIED, releaseOps } from "../components/adoption";

// An adopted Deployment as the API server returns it after a forced server-side apply over `kubectl apply`.
const adopted = () => ({
  metadata: {
    name: "accounts",
    annotations: { [LAST_APPLIED]: '{"kind":"Deployment"}', "argocd.argoproj.io/sync-options": "Prune=false" },
    managedFields: [
      { manager: CLIENT_SIDE_MANAGER, operation: "Update" },
      { manager: "pulumi-kubernetes-fe325c94", operation: "Apply" },
      { manager: CLIENT_SIDE_MANAGER, operation: "Update", subresource: "status" },
    ],
  },
});

describe("ending a forced adoption (npm run adopt:release)", () => {
  it("removes every kubectl-client-side-apply entry and the last-applied annotation, and nothing else", () => {
    const live = adopted();
    const results = applyPatch(live, releaseOps(live));
    assert.deepStrictEqual(
      results.filter((r) => r !== null),
      [],
    );
    assert.deepStrictEqual(live.metadata.managedFields, [
      { manager: "pulumi-kubernetes-fe325c94", operation: "Apply" },
    ]);
    assert.deepStrictEqual(live.metadata.annotations, { "argocd.argoproj.io/sync-options": "Prune=false" });
  });

  it("guards each removal with a test of the same entry, from the last index down", () => {
    assert.deepStrictEqual(releaseOps(adopted()), [
      { op: "test", path: "/metadata/managedFields/2/manager", value: CLIENT_SIDE_MANAGER },
      { op: "remove", path: "/metadata/managedFields/2" },
      { op: "test", path: "/metadata/managedFields/0/manager", value: CLIENT_SIDE_MANAGER },
      { op: "remove", path: "/metadata/managedFields/0" },
      {
        op: "test",
        path: "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
        value: '{"kind":"Deployment"}',
      },
      { op: "remove", path: "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration" },
    ]);
  });

  it("fails instead of removing the wrong entry when the object changed in between", () => {
    const ops = releaseOps(adopted());
    const changed = adopted();
    changed.metadata.managedFields.splice(0, 1);
    assert.ok(applyPatch(changed, ops).some((r) => r !== null));
  });

  it("has nothing to do on an object mesh-lab created itself", () => {
    assert.deepStrictEqual(
      releaseOps({ metadata: { managedFields: [{ manager: "pulumi-kubernetes-1" }], annotations: {} } }),
      [],
    );
  });
});
