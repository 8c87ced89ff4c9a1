import { KubeApi, KubeObject } from "./kube-api";

/**
 * The objects moved to other namespaces (`map`: old name to new): Namespace objects are renamed and
 * namespaced objects follow. References inside specs (policy sources, principals) are left as they are:
 * the API server does not resolve them, and a test namespace must never touch a user's real `accounts`.
 */
export function relocate(objects: KubeObject[], map: Record<string, string>): KubeObject[] {
  return objects.map((o) => {
    const copy = structuredClone(o);
    if (copy.kind === "Namespace" && map[copy.metadata.name]) copy.metadata.name = map[copy.metadata.name];
    else if (copy.metadata.namespace && map[copy.metadata.namespace])
      copy.metadata.namespace = map[copy.metadata.namespace];
    return copy;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Deletes the given namespaced objects, then the namespaces, and waits for them to go. A bare API server
 * (no kube-controller-manager) never finalizes a namespace: when, after a few seconds, no namespace
 * controller has written a status condition, the test finalizes it itself, its content being already
 * deleted. On a real cluster the controller does the work and nothing is forced.
 */
export async function deleteNamespaces(
  api: KubeApi,
  objects: KubeObject[],
  namespaces: string[],
  log: (line: string) => void,
): Promise<void> {
  for (const o of objects.filter((x) => x.kind !== "Namespace" && namespaces.includes(x.metadata.namespace ?? ""))) {
    await api.request("DELETE", await api.path(o));
  }
  for (const ns of namespaces) await api.request("DELETE", `/api/v1/namespaces/${ns}`);
  await Promise.all(namespaces.map((ns) => awaitGone(api, ns, log)));
}

async function awaitGone(api: KubeApi, ns: string, log: (line: string) => void): Promise<void> {
  const start = Date.now();
  for (;;) {
    const live = await api.request("GET", `/api/v1/namespaces/${ns}`);
    if (live.status === 404) break;
    const untouched = !live.body.status?.conditions?.length;
    if (untouched && Date.now() - start > 3000) {
      log(`namespace ${ns}: no namespace controller acted on it; finalizing it (its objects are deleted)`);
      await api.request(
        "PUT",
        `/api/v1/namespaces/${ns}/finalize`,
        JSON.stringify({ ...live.body, spec: { finalizers: [] } }),
      );
    } else if (Date.now() - start > 60000) {
      log(`namespace ${ns} is still terminating after 60 s; left to the namespace controller`);
      break;
    }
    await sleep(250);
  }
}

/**
 * Where `live` differs from what `declared` states, as `path: why` lines: every declared field must be
 * present with the same value; lists must have as many items (a left-over item is a difference too);
 * fields the server or other managers added are allowed.
 */
export function differences(declared: unknown, live: unknown, path = ""): string[] {
  if (Array.isArray(declared)) {
    if (!Array.isArray(live)) return [`${path}: declared a list, live ${JSON.stringify(live)}`];
    if (live.length !== declared.length) return [`${path}: ${declared.length} items declared, ${live.length} live`];
    return declared.flatMap((d, i) => differences(d, live[i], `${path}[${i}]`));
  }
  if (declared !== null && typeof declared === "object") {
    if (live === null || typeof live !== "object") return [`${path}: declared an object, live ${JSON.stringify(live)}`];
    return Object.entries(declared).flatMap(([k, v]) =>
      differences(v, (live as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return declared === live ? [] : [`${path}: declared ${JSON.stringify(declared)}, live ${JSON.stringify(live)}`];
}
