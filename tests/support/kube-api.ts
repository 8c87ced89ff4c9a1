import { ChildProcess, spawn, spawnSync } from "child_process";
import { findKubectl as findKubectlBinary } from "../../render/kubectl";

/** A Kubernetes object as plain data. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
};

/** The answer of the API server to one request. */
export interface ApiResponse {
  readonly status: number;
  readonly body: any;
}

/** kubectl, found as the render finds it ($KUBECTL, else PATH), or why it cannot run here. */
export function findKubectl(): { kubectl?: string; why?: string } {
  const kubectl = findKubectlBinary();
  if (kubectl === undefined)
    return { why: "no executable kubectl on PATH (nor $KUBECTL); install kubectl to run these tests" };
  const probe = spawnSync(kubectl, ["version", "--client"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0)
    return {
      why: `${kubectl} is not runnable here (${probe.error?.message ?? probe.stderr.trim()}); install kubectl to run these tests`,
    };
  return { kubectl };
}

/**
 * The API server of a kubeconfig, reached through `kubectl proxy`, so that every kind of kubeconfig
 * credential kubectl supports works. Raw requests, because `kubectl apply --server-side` is not what the
 * provider sends: after a successful apply kubectl also migrates `kubectl-client-side-apply`'s managed fields
 * to its own manager (kubectl `pkg/cmd/apply/apply.go`, `migrateToSSAIfNecessary`).
 */
export class KubeApi {
  private readonly plurals = new Map<string, { plural: string; namespaced: boolean }>();

  private constructor(
    private readonly proxy: ChildProcess,
    private readonly base: string,
  ) {}

  /** Starts `kubectl proxy` on a free loopback port for the kubeconfig. */
  static async start(kubectl: string, kubeconfig: string): Promise<KubeApi> {
    const proxy = spawn(kubectl, ["--kubeconfig", kubeconfig, "proxy", "--port=0", "--address=127.0.0.1"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<string>((resolve, reject) => {
      let err = "";
      proxy.stderr.on("data", (d) => (err += d));
      proxy.stdout.on("data", (d) => {
        const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(String(d));
        if (m) resolve(m[1]);
      });
      proxy.on("exit", (code) => reject(new Error(`kubectl proxy exited with ${code}: ${err.trim()}`)));
    });
    return new KubeApi(proxy, `http://127.0.0.1:${port}`);
  }

  stop(): void {
    this.proxy.kill();
  }

  async request(method: string, path: string, body?: string, contentType = "application/json"): Promise<ApiResponse> {
    const res = await fetch(this.base + path, {
      method,
      body,
      headers: body === undefined ? {} : { "Content-Type": contentType },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Whether the API server serves a kind (CRDs installed), from discovery. */
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resource(apiVersion, kind)) !== undefined;
  }

  /** The collection path of an object, or its own path with `named`. */
  async path(obj: KubeObject, named = true): Promise<string> {
    const r = await this.resource(obj.apiVersion, obj.kind);
    if (!r) throw new Error(`the API server does not serve ${obj.apiVersion} ${obj.kind}`);
    const group = obj.apiVersion.includes("/") ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace}` : "";
    return `${group}${ns}/${r.plural}${named ? `/${obj.metadata.name}` : ""}`;
  }

  /**
   * Server-side apply, as pulumi-kubernetes' Creation sends it when upsertExistingObjects is on
   * (provider/pkg/await/await.go): PATCH application/apply-patch+yaml with fieldManager, force and
   * fieldValidation=Warn. JSON is YAML, so the body is the object as JSON.
   */
  async apply(obj: KubeObject, fieldManager: string, force: boolean): Promise<ApiResponse> {
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}&force=${force}&fieldValidation=Warn`;
    return this.request("PATCH", (await this.path(obj)) + query, JSON.stringify(obj), "application/apply-patch+yaml");
  }

  /** A plain create (POST), as the provider's Creation sends it when upsert is off. */
  async create(obj: KubeObject): Promise<ApiResponse> {
    return this.request("POST", (await this.path(obj, false)) + "?fieldManager=pulumi-kubernetes", JSON.stringify(obj));
  }

  async get(obj: KubeObject): Promise<ApiResponse> {
    return this.request("GET", await this.path(obj));
  }

  private async resource(
    apiVersion: string,
    kind: string,
  ): Promise<{ plural: string; namespaced: boolean } | undefined> {
    const key = `${apiVersion}/${kind}`;
    if (!this.plurals.has(key)) {
      const list = await this.request("GET", apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
      if (list.status !== 200) return undefined;
      for (const r of list.body.resources as { name: string; kind: string; namespaced: boolean }[]) {
        if (!r.name.includes("/"))
          this.plurals.set(`${apiVersion}/${r.kind}`, { plural: r.name, namespaced: r.namespaced });
      }
    }
    return this.plurals.get(key);
  }
}
