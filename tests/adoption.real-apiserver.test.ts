import * as assert from "assert";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { findKubectl, KubeApi, KubeObject } from "./support/kube-api";
import { deleteNamespaces, differences, relocate } from "./support/test-namespaces";

// Opt-in: adoption of the workshop's end state by mesh-lab's objects, against a real API server with the
// Istio and Gateway API CRDs installed. Set MESH_LAB_TEST_KUBECONFIG to a disposable cluster's kubeconfig
// (kind, k3d, or a bare kube-apiserver). Each case works in namespaces of its own (`mla-<random>-accounts`,
// `...-finance`) and deletes them, so it never touches real `accounts`/`finance` and can be re-run.
const ROOT = path.resolve(__dirname, "..");
const kubeconfig = process.env.MESH_LAB_TEST_KUBECONFIG;
const { kubectl, why } = findKubectl();

function parseAll(text: string): KubeObject[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJSON()).filter((o) => o);
}
const workshop = parseAll(fs.readFileSync(path.join(__dirname, "fixtures", "workshop-end-state.yaml"), "utf8"));
const id = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

describe("adoption of the workshop's end state, on a real API server (MESH_LAB_TEST_KUBECONFIG)", function () {
  this.timeout(180000);
  let api: KubeApi;
  let meshLab: KubeObject[];
  const created: { objects: KubeObject[]; namespaces: string[] }[] = [];

  before(async function () {
    const reason = !kubeconfig ? "MESH_LAB_TEST_KUBECONFIG is not set (a kubeconfig of a disposable cluster with the Istio and Gateway API CRDs)" : !kubectl ? why : undefined;
    if (reason) {
      console.log(`      SKIPPED (adoption on a real API server): ${reason}`);
      return this.skip();
    }
    api = await KubeApi.start(kubectl!, kubeconfig!);
    for (const [v, k] of [["telemetry.istio.io/v1", "Telemetry"], ["security.istio.io/v1", "AuthorizationPolicy"], ["gateway.networking.k8s.io/v1", "Gateway"]]) {
      if (!(await api.serves(v, k))) {
        console.log(`      SKIPPED (adoption on a real API server): the cluster does not serve ${v} ${k}; install the Istio and Gateway API CRDs`);
        api.stop();
        return this.skip();
      }
    }
    // What `pulumi up -s cluster-1` registers: the committed tree builds to exactly that (kustomize-invariant test).
    meshLab = parseAll(execFileSync(kubectl!, ["kustomize", path.join(ROOT, "gitops", "clusters", "cluster-1")], { encoding: "utf8" }));
  });

  after(async () => {
    if (!api) return;
    await Promise.all(created.map((c) => deleteNamespaces(api, c.objects, c.namespaces, (l) => console.log(`      ${l}`))));
    api.stop();
  });

  /** Fresh namespaces holding the workshop's end state, applied client-side as the workshop does. */
  async function workshopState(): Promise<{ theirs: KubeObject[]; ours: KubeObject[]; uids: Map<string, string> }> {
    const run = `mla-${randomBytes(3).toString("hex")}`;
    const map = { accounts: `${run}-accounts`, finance: `${run}-finance` };
    const theirs = relocate(workshop, map);
    const ours = relocate(meshLab, map);
    created.push({ objects: [...ours, ...theirs], namespaces: Object.values(map) });
    execFileSync(kubectl!, ["--kubeconfig", kubeconfig!, "apply", "-n", map.accounts, "-f", "-"], { input: theirs.map((o) => YAML.stringify(o)).join("---\n"), encoding: "utf8" });
    const uids = new Map<string, string>();
    for (const o of theirs) {
      const live = await api.get({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? map.accounts } });
      assert.strictEqual(live.status, 200, `${id(o)} after kubectl apply: ${JSON.stringify(live.body)}`);
      uids.set(id(live.body), live.body.metadata.uid);
    }
    return { theirs, ours, uids };
  }

  // The provider's server-side field manager: `pulumi-kubernetes-` and 8 random hex characters, chosen at
  // create and kept in state (provider/pkg/provider/provider.go, fieldManagerName).
  const fieldManager = () => `pulumi-kubernetes-${randomBytes(4).toString("hex")}`;

  it("without upsert, the provider's create fails with AlreadyExists on every workshop object", async () => {
    const { ours, uids } = await workshopState();
    const existing = ours.filter((o) => uids.has(id(o)));
    assert.strictEqual(existing.length, workshop.length);
    for (const o of existing) {
      const res = await api.create(o);
      assert.deepStrictEqual([res.status, res.body.reason], [409, "AlreadyExists"], id(o));
    }
  });

  it("upsert without force conflicts with kubectl-client-side-apply on exactly the Service targetPort and the Telemetry metrics", async () => {
    const { ours } = await workshopState();
    const conflicts: Record<string, string[]> = {};
    for (const o of ours) {
      const res = await api.apply(o, fieldManager(), false);
      if (res.status === 409) {
        assert.ok(res.body.details.causes.every((c: { message: string }) => c.message.startsWith('conflict with "kubectl-client-side-apply"')), JSON.stringify(res.body));
        conflicts[`${o.kind}/${o.metadata.name}`] = res.body.details.causes.map((c: { field: string }) => c.field);
      } else assert.ok(res.status === 200 || res.status === 201, `${id(o)}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    assert.deepStrictEqual(conflicts, {
      "Service/accounts": ['.spec.ports[port=8080,protocol="TCP"].targetPort'],
      "Telemetry/accounts-telemetry": [".spec.metrics"],
    });
  });

  it("upsert with force takes every object over in place and leaves it as mesh-lab declares", async () => {
    const { ours, uids } = await workshopState();
    const manager = fieldManager();
    for (const o of ours) {
      const res = await api.apply(o, manager, true);
      assert.ok(res.status === 200 || res.status === 201, `${id(o)}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const problems: string[] = [];
    for (const o of ours) {
      const live = (await api.get(o)).body;
      const was = uids.get(id(o));
      if (was && was !== live.metadata.uid) problems.push(`${id(o)}: uid ${was} became ${live.metadata.uid} (recreated)`);
      const { apiVersion, kind, metadata, ...declared } = o;
      problems.push(...differences({ ...declared, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} }, { ...live, labels: live.metadata.labels ?? {}, annotations: live.metadata.annotations ?? {} }).map((d) => `${id(o)} ${d}`));
      // What adoption leaves behind: the workshop's manager keeps the fields it shares, and its annotation.
      if (was) {
        assert.ok(live.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"], `${id(o)} lost last-applied-configuration`);
        assert.ok(live.metadata.managedFields.some((m: { manager: string }) => m.manager === "kubectl-client-side-apply"), `${id(o)}: no kubectl-client-side-apply entry`);
      }
    }
    assert.deepStrictEqual(problems, []);
    // The atomic `.spec.metrics` list moved whole: the workshop's third tag is gone.
    const telemetry = (await api.get(ours.find((o) => o.kind === "Telemetry")!)).body;
    assert.deepStrictEqual(Object.keys(telemetry.spec.metrics[0].overrides[0].tagOverrides).sort(), ["error_type", "slow_request"]);
  });
});
