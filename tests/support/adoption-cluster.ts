import * as assert from "assert";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { findKubectl, KubeApi, KubeObject } from "./kube-api";
import { deleteNamespaces, relocate } from "./test-namespaces";
import { SAMPLE } from "./stacks";

// Opt-in: a real API server with the Istio and Gateway API CRDs, named by MESH_LAB_TEST_KUBECONFIG (a
// disposable cluster: kind, k3d, or a bare kube-apiserver). Each case works in namespaces of its own
// (`mla-<random>-accounts`, `...-finance`) and deletes them: it never touches real `accounts`/`finance`
// and can be re-run.

export const objectId = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

function parseAll(text: string): KubeObject[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJSON())
    .filter((o) => o);
}

/**
 * The provider's server-side field manager: `pulumi-kubernetes-` and 8 random hex characters, chosen at
 * create and kept in state (pulumi-kubernetes provider/pkg/provider/provider.go, fieldManagerName).
 */
export const providerFieldManager = () => `pulumi-kubernetes-${randomBytes(4).toString("hex")}`;

/** The workshop's end state in fresh namespaces, and mesh-lab's cluster-1 objects moved to the same. */
export interface WorkshopState {
  readonly theirs: KubeObject[];
  readonly ours: KubeObject[];
  /** UIDs of the workshop's objects, by objectId. */
  readonly uids: Map<string, string>;
  /** `kubectl apply`, client-side, of the given objects into the case's `accounts` namespace. */
  readonly kubectlApply: (objects: KubeObject[]) => void;
}

export class AdoptionCluster {
  private readonly created: { objects: KubeObject[]; namespaces: string[] }[] = [];

  private constructor(
    readonly api: KubeApi,
    private readonly kubectl: string,
    private readonly kubeconfig: string,
    private readonly meshLab: KubeObject[],
  ) {}

  /** The cluster, or undefined after printing why the suite is skipped. */
  static async open(suite: string): Promise<AdoptionCluster | undefined> {
    const skip = (reason: string) => void console.log(`      SKIPPED (${suite}): ${reason}`);
    const kubeconfig = process.env.MESH_LAB_TEST_KUBECONFIG;
    if (!kubeconfig)
      return skip(
        "MESH_LAB_TEST_KUBECONFIG is not set (a kubeconfig of a disposable cluster with the Istio and Gateway API CRDs)",
      );
    const { kubectl, why } = findKubectl();
    if (!kubectl) return skip(why!);
    const api = await KubeApi.start(kubectl, kubeconfig);
    for (const [v, k] of [
      ["telemetry.istio.io/v1", "Telemetry"],
      ["security.istio.io/v1", "AuthorizationPolicy"],
      ["gateway.networking.k8s.io/v1", "Gateway"],
    ]) {
      if (!(await api.serves(v, k))) {
        api.stop();
        return skip(`the cluster does not serve ${v} ${k}; install the Istio and Gateway API CRDs`);
      }
    }
    // What `pulumi up -s cluster-1` registers: the committed tree builds to exactly that (kustomize-invariant test).
    const meshLab = parseAll(
      execFileSync(kubectl, ["kustomize", path.join(SAMPLE, "gitops", "clusters", "cluster-1")], { encoding: "utf8" }),
    );
    return new AdoptionCluster(api, kubectl, kubeconfig, meshLab);
  }

  async workshopState(): Promise<WorkshopState> {
    const run = `mla-${randomBytes(3).toString("hex")}`;
    const map = { accounts: `${run}-accounts`, finance: `${run}-finance` };
    const workshop = parseAll(
      fs.readFileSync(path.join(__dirname, "..", "fixtures", "workshop-end-state.yaml"), "utf8"),
    );
    const theirs = relocate(workshop, map);
    const ours = relocate(this.meshLab, map);
    this.created.push({ objects: [...ours, ...theirs], namespaces: Object.values(map) });
    const kubectlApply = (objects: KubeObject[]) =>
      void execFileSync(this.kubectl, ["--kubeconfig", this.kubeconfig, "apply", "-n", map.accounts, "-f", "-"], {
        input: objects.map((o) => YAML.stringify(o)).join("---\n"),
        encoding: "utf8",
        stdio: "pipe",
      });
    kubectlApply(theirs);
    const uids = new Map<string, string>();
    for (const o of theirs) {
      const live = await this.api.get({
        ...o,
        metadata: { ...o.metadata, namespace: o.metadata.namespace ?? map.accounts },
      });
      assert.strictEqual(live.status, 200, `${objectId(o)} after kubectl apply: ${JSON.stringify(live.body)}`);
      uids.set(objectId(live.body), live.body.metadata.uid);
    }
    return { theirs, ours, uids, kubectlApply };
  }

  /** Applies every object as the provider does with upsert; fails on any status but 200/201. */
  async adopt(objects: KubeObject[], fieldManager: string, force: boolean): Promise<void> {
    for (const o of objects) {
      const res = await this.api.apply(o, fieldManager, force);
      assert.ok(res.status === 200 || res.status === 201, `${objectId(o)}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      this.created.map((c) => deleteNamespaces(this.api, c.objects, c.namespaces, (l) => console.log(`      ${l}`))),
    );
    this.api.stop();
  }
}
