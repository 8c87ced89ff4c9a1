import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Capture, runProgram } from "./run-program";
import { RawConfig } from "../../config/parse-settings";
import { IstioInstall } from "../../components/istio-install";
import { memberOf } from "../../config/mesh-members";
import { MeshMember, resolveTarget } from "../../config/mesh-check";
import { INSTALL_KEY } from "../../config/parse-install";
import { InstallTarget, OUTPUTS } from "../../config/install-settings";
import { installMockExtensions } from "./install-mock";
import { stackRaw, STACKS } from "./stacks";

/** The install layer switched on for a repo stack: root CA in cluster-1, every other repo stack a peer. */
export function installOn(stack: string): Record<string, unknown> {
  return {
    enabled: true,
    istioVersion: "1.28.1",
    meshId: "mesh1",
    rootCa: { stack: "cluster-1" },
    peers: STACKS.filter((s) => s !== stack),
    apiServer: `https://k3d-${stack}-serverlb:6443`,
  };
}

/** A repo stack's raw config with `mesh-lab:install` set (the repo's stack files keep it off). */
export function rawWithInstall(stack: string, install: Record<string, unknown> = installOn(stack)): RawConfig {
  return { ...stackRaw(stack), [INSTALL_KEY]: JSON.stringify(install) };
}

/** Every repo stack as a mesh member with the layer on, with some stacks' install objects replaced. */
export function meshMembers(changes: Record<string, Record<string, unknown>> = {}): MeshMember[] {
  return STACKS.map((s) => memberOf(s, rawWithInstall(s, changes[s] ?? installOn(s))));
}

export function targetOf(stack: string, members: MeshMember[] = meshMembers()): InstallTarget {
  return resolveTarget(stack, members);
}

/** Outputs a stack exported, keyed by name: what a StackReference to it reads. */
export type StackOutputs = Record<string, unknown>;

/** The mock's view of other stacks, for StackReferences (`<org>/mesh-lab/<stack>`). */
export function stackRefs(outputs: Record<string, StackOutputs>): Record<string, Record<string, unknown>> {
  const refs: Record<string, Record<string, unknown>> = {};
  for (const [stack, out] of Object.entries(outputs)) {
    const name = `organization/mesh-lab/${stack}`;
    refs[`pulumi:pulumi:StackReference|${name}`] = {
      name,
      outputs: out,
      secretOutputNames: Object.values(OUTPUTS).filter((k) => k in out),
    };
  }
  return refs;
}

export interface InstallRun {
  readonly capture: Capture;
  /** The component's outputs as Outputs, to check which are secret. */
  readonly raw: Record<string, pulumi.Output<unknown>>;
}

/** Runs the IstioInstall component alone, under the recording mock with tls and token emulation. */
export async function runInstall(
  target: InstallTarget,
  others: Record<string, StackOutputs> = {},
): Promise<InstallRun> {
  await installMockExtensions();
  let raw: Record<string, pulumi.Output<unknown>> = {};
  const capture = await runProgram(() => {
    const provider = new k8s.Provider("mesh-k8s", {
      context: `k3d-${target.stack}`,
      clusterIdentifier: target.clusterName,
    });
    const install = new IstioInstall("mesh-install", { target, provider });
    raw = { ...install.stackOutputs, missing: install.missing };
    return { ...raw, ready: pulumi.all(install.ready.map((r) => r.urn)), expected: install.expected };
  }, stackRefs(others));
  return { capture, raw };
}

/** Brings the two repo stacks up in the documented order: cluster-1, cluster-2, cluster-1 again. */
export async function bringUp(): Promise<{ first: InstallRun; second: InstallRun; third: InstallRun }> {
  const members = meshMembers();
  const first = await runInstall(targetOf("cluster-1", members), { "cluster-2": {} });
  const second = await runInstall(targetOf("cluster-2", members), { "cluster-1": first.capture.outputs });
  const third = await runInstall(targetOf("cluster-1", members), { "cluster-2": second.capture.outputs });
  return { first, second, third };
}

/** A registered input as the provider would see it: secret inputs are recorded wrapped, with their value inside. */
export function plain<T = unknown>(v: unknown): T {
  return (
    typeof v === "object" && v !== null && pulumi.runtime.specialSigKey in v
      ? (v as unknown as { value: unknown }).value
      : v
  ) as T;
}
