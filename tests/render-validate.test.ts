import * as assert from "assert";
import { RenderError } from "../render/errors";
import { kubeObject } from "../render/kube-object";
import { renderStacks } from "../render/pipeline";
import { planStacks } from "../render/load-stacks";
import { MODELS, modelClass, schemaProblems } from "../render/schema-check";
import { SAMPLE, STACKS } from "./support/stacks";

describe("render: schema validation", () => {
  it("finds every object of every stack, and each Argo CD Application, valid against its schema", async () => {
    const stacks = planStacks(SAMPLE, STACKS);
    const kinds = new Set(stacks.flatMap((s) => s.objects.map((o) => `${o.apiVersion} ${o.kind}`)));
    assert.deepStrictEqual([...kinds].sort(), [
      "apps/v1 Deployment",
      "gateway.networking.k8s.io/v1 Gateway",
      "security.istio.io/v1 AuthorizationPolicy",
      "telemetry.istio.io/v1 Telemetry",
      "v1 Namespace",
      "v1 Service",
      "v1 ServiceAccount",
    ]);
    const { tree } = await renderStacks(stacks);
    assert.ok(tree.has("argocd/cluster-1.yaml"));
  });

  it("names the object and the field that breaks the schema", async () => {
    const problems = await schemaProblems([
      {
        where: "cluster-1",
        manifest: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "a", namespace: "a" },
          spec: { replicas: "two", selector: {}, template: {} },
        },
      },
      {
        where: "cluster-1",
        manifest: {
          apiVersion: "security.istio.io/v1",
          kind: "AuthorizationPolicy",
          metadata: { name: "p", namespace: "a" },
          spec: { action: "PERMIT" },
        },
      },
      {
        where: "cluster-2",
        manifest: { apiVersion: "v1", kind: "Namespace", metadata: { name: "a", labels: { "istio.io/global": true } } },
      },
    ]);
    assert.deepStrictEqual(problems, [
      "cluster-1: apps/v1 Deployment a/a is not schema-valid: data/spec/replicas must be integer",
      "cluster-1: security.istio.io/v1 AuthorizationPolicy a/p is not schema-valid: data/spec/action must be equal to one of the allowed values",
      "cluster-2: v1 Namespace a is not schema-valid: data/metadata/labels/istio.io~1global must be string",
    ]);
  });

  it("says (no name) for an object without one", async () => {
    const problems = await schemaProblems([
      { where: "cluster-1", manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: {}, data: { a: 1 } } },
    ]);
    assert.deepStrictEqual(problems, [
      "cluster-1: v1 ConfigMap (no name) is not schema-valid: data/data/a must be string",
    ]);
  });

  it("treats a kind MODELS has no class for as a problem, not as valid", async () => {
    const problems = await schemaProblems([
      { where: "cluster-1", manifest: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } } },
    ]);
    assert.deepStrictEqual(problems, [
      "cluster-1: example.com/v1 Widget w has no model in render/schema-check.ts MODELS; add its class from kubernetes-models or @kubernetes-models/*",
    ]);
  });

  it("loads, for every key of MODELS, the class of exactly that apiVersion and kind", async () => {
    for (const key of MODELS.keys()) {
      const kind = key.slice(key.lastIndexOf("/") + 1);
      const cls = await modelClass(key.slice(0, key.lastIndexOf("/")), kind);
      assert.ok(cls, `MODELS["${key}"] loads no class named ${kind} of that apiVersion`);
      assert.strictEqual(`${cls.apiVersion}/${cls.kind}`, key);
    }
  });

  it("validates a kind the default stacks do not write, such as a batch/v1 Job", async () => {
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j", namespace: "a" },
      spec: { template: { spec: { containers: [{ name: "c", image: "i:1" }], restartPolicy: "Never" } } },
    };
    assert.deepStrictEqual(await schemaProblems([{ where: "cluster-1", manifest: job }]), []);
    const bad = {
      ...job,
      spec: { template: { spec: { containers: [{ name: "c", image: "i:1" }], restartPolicy: "Sometimes" } } },
    };
    assert.match(
      (await schemaProblems([{ where: "cluster-1", manifest: bad }]))[0],
      /batch\/v1 Job a\/j is not schema-valid/,
    );
  });

  it("refuses to render a stack with an invalid object: RenderError, no tree", async () => {
    const [s] = planStacks(SAMPLE, ["cluster-1"]);
    const bad = kubeObject({
      manifest: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "x", namespace: "accounts" },
        spec: { ports: [{ port: "eighty" }] },
      } as never,
      app: "accounts",
      layer: "app",
    });
    await assert.rejects(renderStacks([{ ...s, objects: [...s.objects, bad] }]), (e: unknown) => {
      assert.ok(e instanceof RenderError);
      assert.deepStrictEqual(e.problems, [
        "cluster-1: v1 Service accounts/x is not schema-valid: data/spec/ports/0/port must be integer",
      ]);
      return true;
    });
  });
});
