import { DEFAULT_GITOPS_REPO_URL, readGitUrl } from "./git-url";
import { checkAppGraph, readApp } from "./parse-apps";
import { readTelemetry } from "./parse-telemetry";
import { ConfigError, NAMESPACE, Problems } from "./problems";
import { Reader } from "./readers";
import { MeshSettings } from "./settings";

/**
 * A stack's config as Pulumi hands it to a program (`pulumi.runtime.allConfig()`): fully qualified keys,
 * string values, structured values as JSON text. `loadStackConfig` builds the same map from the files.
 */
export type RawConfig = Readonly<Record<string, string>>;

/** Every key this project reads. Anything else under `mesh-lab:` is a typo and refused. */
export const SETTING_KEYS = [
  "kubeContext",
  "kubeconfig",
  "clusterName",
  "network",
  "trustDomain",
  "waypoints",
  "podSecurity",
  "apps",
  "telemetry",
  "gitopsRepoUrl",
  "verifyPolicies",
  "verifyImage",
  "adoptExisting",
  "istioRevision",
  "istiodNamespace",
] as const;

/** Where a default Istio install runs istiod. */
export const DEFAULT_ISTIOD_NAMESPACE = "istio-system";

/** The image of the policy-check Jobs: it needs `sh` and `curl`. */
export const DEFAULT_VERIFY_IMAGE = "curlimages/curl:8.11.1";

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Validates a whole stack config and returns typed settings, or throws one `ConfigError` listing every problem.
 * Pure: registers nothing, writes nothing, so it runs before any resource exists.
 */
export function parseSettings(stack: string, raw: RawConfig): MeshSettings {
  const problems = new Problems();
  const r = new Reader(problems);
  const prefix = `${NAMESPACE}:`;
  const ours: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) ours[k.slice(prefix.length)] = v;
  problems.unknownKeys(prefix, ours, SETTING_KEYS);

  const key = (k: string) => `${prefix}${k}`;
  const required = <T>(k: string, what: string, read: (key: string, v: unknown) => T | undefined): T | undefined =>
    ours[k] === undefined ? problems.missing(key(k), what) : read(key(k), ours[k]);
  // Pulumi hands structured values over as JSON text, and booleans as "true"/"false".
  const structured = (k: string): unknown => {
    try {
      return JSON.parse(ours[k]);
    } catch {
      return problems.add(key(k), ours[k], "structured YAML/JSON (set it as an object or list in the stack file)");
    }
  };
  const flag = (k: string, fallback: boolean): boolean | undefined => {
    const text = ours[k];
    return text === undefined ? fallback : r.boolean(key(k), text === "true" ? true : text === "false" ? false : text);
  };

  const kubeContext = required("kubeContext", "a kubeconfig context name (non-empty string)", (k, v) => r.string(k, v, "a kubeconfig context name (non-empty string)"));
  const clusterName = required("clusterName", "the Istio cluster name, a DNS-1123 label", (k, v) => r.dnsLabel(k, v));
  const network = required("network", "the Istio network name, a Kubernetes label value", (k, v) =>
    typeof v === "string" && LABEL_VALUE.test(v) ? v : problems.add(k, v, "a Kubernetes label value (alphanumeric, '-', '_', '.', at most 63 characters)"),
  );
  const trustDomain = ours.trustDomain === undefined ? "cluster.local" : DOMAIN.test(ours.trustDomain) ? ours.trustDomain : problems.add(key("trustDomain"), ours.trustDomain, "a DNS domain such as cluster.local");
  const waypoints = flag("waypoints", true);
  const podSecurity = ours.podSecurity === undefined ? "baseline" : r.oneOf(key("podSecurity"), ours.podSecurity, ["baseline", "restricted"] as const);

  const appsRaw = ours.apps === undefined ? problems.missing(key("apps"), "a non-empty list of apps") : structured("apps");
  const apps = appsRaw === undefined ? undefined : r.list(key("apps"), appsRaw, (k, v) => readApp(r, k, v), true, "apps");
  if (apps) checkAppGraph(r, key("apps"), apps);

  const telemetryRaw = ours.telemetry === undefined ? {} : structured("telemetry");
  const telemetry = telemetryRaw === undefined ? undefined : readTelemetry(r, key("telemetry"), telemetryRaw);

  const verifyPolicies = flag("verifyPolicies", false);
  const verifyImage = ours.verifyImage === undefined ? DEFAULT_VERIFY_IMAGE : r.image(key("verifyImage"), ours.verifyImage);

  const adoptExisting = flag("adoptExisting", false);
  // Empty is the default revision: Pulumi.yaml must give every key a default, or the CLI calls it missing.
  const istioRevision = ours.istioRevision === undefined || ours.istioRevision === "" ? undefined : r.dnsLabel(key("istioRevision"), ours.istioRevision);
  const istiodNamespace = ours.istiodNamespace === undefined ? DEFAULT_ISTIOD_NAMESPACE : r.dnsLabel(key("istiodNamespace"), ours.istiodNamespace);

  const gitopsRepoUrl = ours.gitopsRepoUrl === undefined ? DEFAULT_GITOPS_REPO_URL : readGitUrl(problems, key("gitopsRepoUrl"), ours.gitopsRepoUrl);

  if (problems.list.length > 0) throw new ConfigError(stack, problems.list);
  return {
    stack,
    kubeContext: kubeContext!,
    clusterName: clusterName!,
    network: network!,
    trustDomain: trustDomain!,
    waypoints: waypoints!,
    podSecurity: podSecurity!,
    apps: apps!,
    telemetry: telemetry!,
    gitopsRepoUrl: gitopsRepoUrl!,
    verifyPolicies: verifyPolicies!,
    verifyImage: verifyImage!,
    adoptExisting: adoptExisting!,
    ...(istioRevision === undefined ? {} : { istioRevision }),
    istiodNamespace: istiodNamespace!,
  };
}

/** True when the app is routed through a waypoint in this stack. */
export function hasWaypoint(settings: MeshSettings, app: { readonly waypoint: boolean }): boolean {
  return settings.waypoints && app.waypoint;
}
