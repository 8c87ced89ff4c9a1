import { allowEntry, isHttpRule } from "./allow-from";
import { applyOverrides } from "./app-overrides";
import { stackNameProblem } from "./app-rules";
import { controlCharacterProblems } from "./control-characters";
import { ConfigError, NAMESPACE, Problems } from "./problems";
import { Reader } from "./readers";
import { MeshSettings, SETTINGS, Setting, SettingKey } from "./schema";

/**
 * A stack's config as Pulumi hands it to a program (`pulumi.runtime.allConfig()`): fully qualified keys,
 * string values, structured values as JSON text. `loadStackConfig` builds the same map from the files.
 */
export type RawConfig = Readonly<Record<string, string>>;

/** Every key this project reads. Anything else under `mesh-lab:` is a typo and refused. */
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/**
 * The value as its declared type, from the text Pulumi passes: booleans as "true"/"false", structures as JSON.
 * No top-level setting is an integer (the integers are app fields, inside the `apps` JSON).
 */
function decode(problems: Problems, key: string, type: Setting<unknown>["type"], text: string): unknown {
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  if (type === "array" || type === "object") {
    try {
      return JSON.parse(text);
    } catch {
      // A word where a list goes (`gitopsEngines: flux`) is most often a list of one.
      return problems.add(
        key,
        text,
        type === "array"
          ? `a list (a YAML list in the stack file${/^[\w.-]+$/.test(text) ? `, such as [${text}]` : ""})`
          : "an object (a YAML mapping in the stack file)",
      );
    }
  }
  return text;
}

/**
 * Validates a whole stack config against the schema and returns typed settings, or throws one `ConfigError`
 * listing every problem. Pure: registers nothing, writes nothing, so it runs before any resource exists.
 */
export function parseSettings(stack: string, raw: RawConfig): MeshSettings {
  const problems = new Problems();
  const r = new Reader(problems);
  const prefix = `${NAMESPACE}:`;
  const ours: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) ours[k.slice(prefix.length)] = v;
  problems.unknownKeys(prefix, ours, SETTING_KEYS);

  const badStack = stackNameProblem(stack);
  if (badStack) problems.raw(badStack);
  const settings: Record<string, unknown> = { stack };
  for (const [name, s] of Object.entries(SETTINGS) as [SettingKey, Setting<unknown>][]) {
    if (s.secret) continue;
    const key = `${prefix}${name}`;
    const text = ours[name];
    if (text === undefined && s.required) problems.missing(key, s.required);
    else if (text === undefined) settings[name] = s.read(r, key, s.default, stack);
    else {
      const before = problems.list.length;
      const value = decode(problems, key, s.type, text);
      // The same rule the render applies to stack files, for config the Pulumi CLI hands over.
      for (const p of problems.list.length === before ? controlCharacterProblems(key, value) : []) problems.raw(p);
      if (problems.list.length === before) settings[name] = s.read(r, key, value, stack);
    }
  }
  if (problems.list.length === 0) {
    const s = settings as unknown as MeshSettings;
    settings.apps = applyOverrides(problems, `${prefix}appOverrides`, s.apps, s.appOverrides, stack);
    httpRuleProblems(problems, `${prefix}apps`, settings as unknown as MeshSettings);
    // Flux's GitRepository takes URLs only (its CRD's pattern ^(http|https|ssh)://), not git@host:path.
    if (s.gitopsEngines.includes("flux") && !/^(https?|ssh):\/\//.test(s.gitopsRepoUrl))
      problems.add(
        `${prefix}gitopsRepoUrl`,
        s.gitopsRepoUrl,
        "an https:// or ssh:// URL where the stack renders for Flux (write git@host:org/repo.git as ssh://git@host/org/repo.git)",
      );
  }
  if (problems.list.length > 0) throw new ConfigError(stack, problems.list);
  return settings as MeshSettings;
}

/**
 * An `allowFrom` entry with methods or paths on an app no waypoint serves in this stack would be enforced by the
 * destination ztunnel, which drops ALLOW rules with HTTP fields (istio/istio
 * pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go, `handleRule`): the caller it means to allow
 * would be denied.
 */
function httpRuleProblems(problems: Problems, key: string, settings: MeshSettings): void {
  settings.apps.forEach((app) =>
    app.allowFrom.forEach((rule, j) => {
      const i = app.index;
      if (!isHttpRule(rule) || hasWaypoint(settings, app)) return;
      const why = settings.waypoints ? `mesh-lab:apps[${i}].waypoint is false` : "the stack sets waypoints: false";
      problems.add(
        `${key}[${i}].allowFrom[${j}]`,
        allowEntry(rule),
        `no methods or paths, since no waypoint serves app "${app.name}" (${why}): ztunnel enforces its policies, and ztunnel drops an ALLOW rule with HTTP fields, so the rule would deny the caller it means to allow; set waypoint: true on the app, or allow the caller without methods and paths`,
      );
    }),
  );
}

/** True when the app is routed through a waypoint in this stack. */
export function hasWaypoint(settings: MeshSettings, app: { readonly waypoint: boolean }): boolean {
  return settings.waypoints && app.waypoint;
}
