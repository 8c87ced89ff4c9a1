import { readStackInputs } from "./config/stack-config";
import { meshProgram } from "./program";

const outputs = meshProgram(readStackInputs(), "deploy");

export const kubeContext = outputs.kubeContext;
export const clusterName = outputs.clusterName;
export const network = outputs.network;
export const namespaces = outputs.namespaces;
export const serviceHosts = outputs.serviceHosts;
export const accountsHost = outputs.accountsHost;
export const policyNames = outputs.policyNames;
export const keptOnDelete = outputs.keptOnDelete;
