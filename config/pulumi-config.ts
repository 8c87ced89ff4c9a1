import * as pulumi from "@pulumi/pulumi";
import { InstallTarget } from "./install-settings";
import { readInstallTarget } from "./mesh-members";
import { parseSettings } from "./parse-settings";
import { ConfigError, NAMESPACE } from "./problems";
import { secretConfigProblems } from "./secret-config";
import { MeshSettings } from "./schema";

export interface StackInputs {
  readonly settings: MeshSettings;
  /** Only ever read as a secret, so it stays encrypted in state and masked in output. */
  readonly kubeconfig?: pulumi.Output<string>;
  /** The install layer's target, checked against every stack file of the project; only when the layer is on. */
  readonly install?: InstallTarget;
}

/**
 * The one place the program reads Pulumi config: the whole stack config, validated before anything is
 * registered. The CLI has already merged Pulumi.yaml defaults with the stack file.
 */
export function readStackInputs(): StackInputs {
  const raw = pulumi.runtime.allConfig();
  const secrets = secretConfigProblems(raw);
  let settings: MeshSettings;
  try {
    settings = parseSettings(pulumi.getStack(), raw);
  } catch (e) {
    throw e instanceof ConfigError ? new ConfigError(e.stack, [...secrets, ...e.problems]) : e;
  }
  if (secrets.length > 0) throw new ConfigError(pulumi.getStack(), secrets);
  const kubeconfig = new pulumi.Config(NAMESPACE).getSecret("kubeconfig");
  // The CLI runs the program in the project directory, beside the other stacks' files (docs/install.md).
  const install = settings.install.enabled ? readInstallTarget(settings.stack, raw, process.cwd()) : undefined;
  return { settings, kubeconfig, ...(install ? { install } : {}) };
}
