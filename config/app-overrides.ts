import { APP_FIELDS, AppSettings } from "./parse-apps";
import { didYouMean } from "../envoy-cel/nearest-name";
import { Problems, some } from "./problems";
import { isObject, Reader } from "./readers";

/** What a stack may change of an app the project declares: what differs between clusters, nothing that names it. */
export const OVERRIDABLE = ["replicas", "waypoint", "global", "image", "args"] as const;
type Overridable = (typeof OVERRIDABLE)[number];
export type AppOverride = { readonly [K in Overridable]?: AppSettings[K] };

/** Reads `appOverrides`: {<app>: {<key>: value}}, each value read as the app key it replaces. */
export function readAppOverrides(
  r: Reader,
  key: string,
  v: unknown,
): Readonly<Record<string, AppOverride>> | undefined {
  if (!isObject(v))
    return r.problems.add(
      key,
      v,
      `an object of app names, each with what differs on this stack (${OVERRIDABLE.join(", ")})`,
    );
  const o = v;
  const out: Record<string, AppOverride> = {};
  let ok = true;
  for (const [app, changes] of Object.entries(o)) {
    const fields = r.object(`${key}.${app}`, changes, OVERRIDABLE);
    if (!fields) {
      ok = false;
      continue;
    }
    const read: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      // A key a stack may not change (or no app has) is a problem r.object has named; nothing to read for it.
      if (!(OVERRIDABLE as readonly string[]).includes(field)) {
        ok = false;
        continue;
      }
      const f = APP_FIELDS[field as Overridable] as { read: (r: Reader, k: string, x: unknown) => unknown };
      const got = f.read(r, `${key}.${app}.${field}`, value);
      if (got === undefined) ok = false;
      else read[field] = got;
    }
    out[app] = read;
  }
  return ok ? out : undefined;
}

/**
 * The stack's apps with its overrides applied. An override of an app that does not run on the stack, or of a key
 * the app cannot have (an image on a chart's workload, args on the demo caller), is a problem naming its key.
 */
export function applyOverrides(
  problems: Problems,
  key: string,
  apps: readonly AppSettings[],
  overrides: Readonly<Record<string, AppOverride>>,
  stack: string,
): AppSettings[] {
  for (const [name, o] of Object.entries(overrides)) {
    const app = apps.find((a) => a.name === name);
    if (!app) {
      const names = apps.map((a) => a.name);
      const near = didYouMean(name, names);
      problems.add(
        `${key}.${name}`,
        o,
        near !== undefined
          ? `an app that runs on stack ${stack}; did you mean "${near}"?`
          : `an app that runs on stack ${stack} (${some(names)})`,
      );
      continue;
    }
    if (!app.workload)
      for (const k of ["image", "args", "replicas", "global"] as const)
        if (o[k] !== undefined)
          problems.add(`${key}.${name}.${k}`, o[k], `no ${k} for an app with workload: false (its own chart runs it)`);
    if (app.workload && app.port === undefined && app.calls.length > 0 && o.args !== undefined)
      problems.add(`${key}.${name}.args`, o.args, "no args for a demo caller: its command is the generated call loop");
  }
  return apps.map((a) => ({ ...a, ...(overrides[a.name] ?? {}) }));
}
