import * as pulumi from "@pulumi/pulumi";
import { parseSettings } from "./parse-settings";
import { NAMESPACE } from "./problems";
import { MeshSettings } from "./schema";

export interface StackInputs {
  readonly settings: MeshSettings;
  /** Only ever read as a secret, so it stays encrypted in state and masked in output. */
  readonly kubeconfig?: pulumi.Output<string>;
}

/**
 * The one place the program reads Pulumi config: the whole stack config, validated before anything is
 * registered. The CLI has already merged Pulumi.yaml defaults with the stack file.
 */
export function readStackInputs(): StackInputs {
  const settings = parseSettings(pulumi.getStack(), pulumi.runtime.allConfig());
  const kubeconfig = new pulumi.Config(NAMESPACE).getSecret("kubeconfig");
  return { settings, kubeconfig };
}
