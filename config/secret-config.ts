import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE } from "./problems";

/** Keys whose values are written in clear (gitops/, Deployment specs, state): no secret may be inside them. */
export const CLEAR_KEYS = ["apps", "telemetry"] as const;

/**
 * Whether the CLI handed `key` over as a secret. The SDK exports `runtime.isConfigSecret` (runtime/config.js of
 * @pulumi/pulumi 3.270.0, reading PULUMI_CONFIG_SECRET_KEYS) but marks it @internal, so its .d.ts omits it.
 */
export function isConfigSecret(key: string): boolean {
  const fn = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  if (typeof fn !== "function")
    throw new Error(
      "@pulumi/pulumi no longer exports runtime.isConfigSecret: mesh-lab cannot tell secret config from plain",
    );
  return fn(key);
}

/** Problems with how secrets were set: a plain kubeconfig, or a secure: value inside a key written in clear. */
export function secretConfigProblems(
  raw: Readonly<Record<string, string>>,
  isSecret: (key: string) => boolean = isConfigSecret,
): string[] {
  const problems: string[] = [];
  const kubeconfig = `${NAMESPACE}:kubeconfig`;
  if (raw[kubeconfig] !== undefined && !isSecret(kubeconfig)) {
    problems.push(
      `key "${kubeconfig}" is set in plain text; expected a secure: value (pulumi config set --secret ${kubeconfig} ...): it holds credentials`,
    );
  }
  for (const name of CLEAR_KEYS) {
    const key = `${NAMESPACE}:${name}`;
    if (raw[key] !== undefined && isSecret(key)) {
      problems.push(
        `key "${key}" holds a secure: value; expected plain text: ${key} is written to gitops/ (Git) and into the cluster's objects in clear, so no secret can go there`,
      );
    }
  }
  return problems;
}
