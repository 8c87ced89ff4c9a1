import * as assert from "assert";
import { RecordedResource } from "../capture/recorder";
import { RenderError } from "../render/errors";
import { kubeObjects } from "../render/objects";

const URN = "urn:pulumi:s::mesh-lab::";
// Only the fields the render reads; the recorder may record more.
function resource(type: string, name: string, inputs: Record<string, unknown>, more: Partial<RecordedResource> = {}): RecordedResource {
  return { type, name, urn: `${URN}${type}::${name}`, parent: "", custom: true, inputs, provider: "p", secretInputs: [], ...more } as RecordedResource;
}
const app = resource("mesh-lab:index:MeshApp", "accounts", {}, { custom: false });
const ns = resource("kubernetes:core/v1:Namespace", "accounts-namespace", { apiVersion: "v1", kind: "Namespace", metadata: { name: "accounts" } }, { parent: app.urn });

describe("render: which registrations are manifests", () => {
  it("keeps Kubernetes objects, with the app that registered them, and skips providers, components and other providers' resources", () => {
    const objects = kubeObjects("s", [
      app,
      ns,
      resource("pulumi:providers:kubernetes", "mesh-k8s", { context: "c" }),
      resource("random:index/randomId:RandomId", "run", { byteLength: 4 }),
      resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "reader", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "reader" } }),
    ]);
    assert.deepStrictEqual(objects.map((o) => [o.key, o.app]), [
      ["rbac.authorization.k8s.io/v1|ClusterRole||reader", undefined],
      ["v1|Namespace||accounts", "accounts"],
    ]);
  });

  it("refuses what cannot go into Git as it is, naming each registration", () => {
    assert.throws(
      () =>
        kubeObjects("s", [
          resource("kubernetes:core/v1:Secret", "creds", { apiVersion: "v1", kind: "Secret", metadata: { name: "creds" }, stringData: { k: "v" } }, { secretInputs: ["stringData"] }),
          resource("kubernetes:core/v1:ConfigMap", "cm", { apiVersion: "v1", kind: "ConfigMap", metadata: {} }),
          resource("kubernetes:helm.sh/v3:Release", "istio", { chart: "istiod" }),
          resource("kubernetes:yaml/v2:ConfigGroup", "extra", { files: ["x.yaml"] }, { custom: false }),
          ns,
          resource("kubernetes:core/v1:Namespace", "again", { apiVersion: "v1", kind: "Namespace", metadata: { name: "accounts" } }),
        ]),
      new RenderError([
        's: kubernetes:core/v1:Secret "creds" has secret inputs (stringData); the render refuses to write a secret into Git',
        's: kubernetes:core/v1:ConfigMap "cm" has no metadata.name (Pulumi would auto-name it at deploy time); a GitOps tree needs a fixed name',
        's: kubernetes:helm.sh/v3:Release "istio" is not a Kubernetes object with apiVersion, kind and metadata; the render cannot write it',
        's: kubernetes:yaml/v2:ConfigGroup "extra" is a component whose objects the provider only creates at deploy time; the render cannot see them',
        's: kubernetes:core/v1:Namespace "again" and "accounts-namespace" are the same object (v1 Namespace accounts)',
      ]),
    );
  });
});
