import { admitsApp, fromLabel } from "../config/allow-from";
import { NAMESPACE } from "../config/problems";
import { MeshSettings } from "../config/schema";
import { didYouMean } from "../envoy-cel/nearest-name";

/**
 * Calls the config declares and the callee's policies refuse: an app's `calls` names another whose `allowFrom`
 * admits no pod of the caller's namespace (a typo such as `chekout`, or an entry never added). The mesh map draws
 * them red; the render, `check:telemetry` and `pulumi up` say so too. Warnings, not errors: a denied call may be
 * what a demo shows, and `allowFrom` may name namespaces outside the apps.
 */
export function deniedCallWarnings(settings: MeshSettings): string[] {
  const warnings: string[] = [];
  for (const caller of settings.apps)
    for (const name of caller.calls) {
      const callee = settings.apps.find((a) => a.name === name);
      if (callee === undefined || admitsApp(callee.allowFrom, caller)) continue;
      const listed = callee.allowFrom.map(fromLabel);
      const near = didYouMean(
        caller.namespace,
        callee.allowFrom.map((r) => r.namespace),
      );
      const allowKey = `${NAMESPACE}:apps[${callee.index}].allowFrom`;
      warnings.push(
        `stack "${settings.stack}": key "${NAMESPACE}:apps[${caller.index}].calls" names "${name}", whose key "${allowKey}" ` +
          `admits no pod of namespace "${caller.namespace}" (${listed.length === 0 ? "it is empty" : `it lists ${listed.join(", ")}`}` +
          `${near === undefined || near === caller.namespace ? "" : `; is "${near}" a typo of "${caller.namespace}"?`}): ` +
          `the mesh refuses those calls; add "${caller.namespace}" to ${allowKey}, or expect them denied`,
      );
    }
  return warnings;
}
