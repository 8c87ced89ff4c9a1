// The Pulumi entry point: config -> plan -> this stack's cluster. `npm run render` takes the same plan to Git.
import * as pulumi from "@pulumi/pulumi";
import { readStackInputs } from "./config/pulumi-config";
import { meshProgram } from "./components/mesh-program";
import { OUTPUTS } from "./config/install-settings";

const outputs = meshProgram(readStackInputs(), { warn: (message) => void pulumi.log.warn(message) });

export const kubeContext = outputs.kubeContext;
export const clusterName = outputs.clusterName;
export const network = outputs.network;
export const namespaces = outputs.namespaces;
export const serviceHosts = outputs.serviceHosts;
export const accountsHost = outputs.accountsHost;
export const policyNames = outputs.policyNames;
export const keptOnDelete = outputs.keptOnDelete;
// The install layer's outputs (docs/install.md): the names are frozen, the peer stacks read them by name.
export const installReaderKubeconfig = outputs.install?.outputs[OUTPUTS.readerKubeconfig];
export const installIntermediates = outputs.install?.outputs[OUTPUTS.intermediates];
export const installMissing = outputs.install?.missing;
