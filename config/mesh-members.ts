import { RawConfig } from "./parse-settings";
import { ConfigError, NAMESPACE, Problems } from "./problems";
import { listStacks, loadStackConfig, readProject } from "./project-files";
import { Reader } from "./readers";
import { InstallTarget } from "./install-settings";
import { MeshMember, resolveTarget } from "./mesh-check";
import { rawInstall, readInstall } from "./parse-install";

/** One stack's member entry from its raw config (clusterName and network as the stack declares them). */
export function memberOf(stack: string, raw: RawConfig): MeshMember {
  const problems = new Problems();
  const install = readInstall(new Reader(problems), stack, rawInstall(problems, raw[`${NAMESPACE}:install`]));
  if (!install) throw new ConfigError(stack, problems.list);
  return {
    stack,
    clusterName: raw[`${NAMESPACE}:clusterName`] ?? "",
    network: raw[`${NAMESPACE}:network`] ?? "",
    trustDomain: raw[`${NAMESPACE}:trustDomain`] ?? "cluster.local",
    install,
  };
}

/**
 * Every stack of the project, from the `Pulumi.<stack>.yaml` files in `dir` (the project directory: `pulumi up`
 * runs the program there). `pulumi up` hands a program only its own stack's config, so the cross-stack checks
 * read the sibling stack files the same way the renderer does. The current stack's own config (`ownRaw`, from
 * the CLI) replaces its file, so `pulumi config set` values count.
 */
export function loadMeshMembers(dir: string, stack: string, ownRaw: RawConfig): MeshMember[] {
  const stacks = listStacks(dir);
  const project = readProject(dir);
  return [...new Set([...stacks, stack])]
    .sort()
    .map((s) => memberOf(s, s === stack ? ownRaw : loadStackConfig(dir, s, project).raw));
}

/**
 * What `pulumi up` (config/pulumi-config.ts) and the render read: this stack's install target, checked against every
 * stack file in `dir` (the project directory). Throws a ConfigError before anything is registered.
 */
export function readInstallTarget(stack: string, raw: RawConfig, dir: string = process.cwd()): InstallTarget {
  return resolveTarget(stack, loadMeshMembers(dir, stack, raw));
}
