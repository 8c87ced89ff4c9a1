import { RawConfig } from "../config/parse-settings";
import { ConfigError, NAMESPACE, Problems } from "../config/problems";
import { listStacks, loadStackConfig } from "../config/project-files";
import { Reader } from "../config/readers";
import { MeshMember } from "./mesh-check";
import { readInstall } from "./read-settings";

/** One stack's member entry from its raw config (clusterName and network as the stack declares them). */
export function memberOf(stack: string, raw: RawConfig): MeshMember {
  const problems = new Problems();
  const install = readInstall(new Reader(problems), stack, raw[`${NAMESPACE}:install`]);
  if (!install) throw new ConfigError(stack, problems.list);
  return { stack, clusterName: raw[`${NAMESPACE}:clusterName`] ?? "", network: raw[`${NAMESPACE}:network`] ?? "", trustDomain: raw[`${NAMESPACE}:trustDomain`] ?? "cluster.local", install };
}

/**
 * Every stack of the project, from the `Pulumi.<stack>.yaml` files in `dir` (the project directory: `pulumi up`
 * runs the program there). `pulumi up` hands a program only its own stack's config, so the cross-stack checks
 * read the sibling stack files the same way the renderer does. The current stack's own config (`ownRaw`, from
 * the CLI) replaces its file, so `pulumi config set` values count.
 */
export function loadMeshMembers(dir: string, stack: string, ownRaw: RawConfig): MeshMember[] {
  const stacks = listStacks(dir);
  return [...new Set([...stacks, stack])].sort().map((s) => memberOf(s, s === stack ? ownRaw : loadStackConfig(dir, s).raw));
}
