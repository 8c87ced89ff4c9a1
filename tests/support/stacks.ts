import * as path from "path";
import { Capture, runProgram } from "./run-program";
import { parseSettings, RawConfig } from "../../config/parse-settings";
import { listStacks, loadStackConfig } from "../../config/project-files";
import { MeshSettings } from "../../config/schema";
import { RecordedResource } from "./recorder";
import { meshProgram } from "../../components/mesh-program";
import { StackInputs } from "../../config/pulumi-config";
import { buildPlan } from "../../plan/mesh-plan";

/** The repository: the program, its scripts, workflows and packages. */
export const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The sample project the tests read stacks from: the workshop's two clusters and two apps, with its rendered tree,
 * kept under tests/ so that a team's own stacks and apps in the repository's Pulumi files change no test
 * (`npm run update:fixtures` renders it again after an intended change).
 */
export const SAMPLE = path.join(ROOT, "tests", "fixtures", "sample");

/** The sample's stacks, from its `Pulumi.<stack>.yaml` files. */
export const STACKS = listStacks(SAMPLE);

/** A sample stack's config, merged with the sample's Pulumi.yaml defaults as the CLI does. */
export function stackRaw(stack: string): RawConfig {
  return loadStackConfig(SAMPLE, stack).raw;
}

export function stackSettings(stack: string): MeshSettings {
  return parseSettings(stack, stackRaw(stack));
}

/**
 * A real stack's config with some keys replaced (objects as values are JSON-encoded the way Pulumi
 * passes them) and keys set to `undefined` removed.
 */
export function withConfig(stack: string, changes: Record<string, unknown>): RawConfig {
  const raw: Record<string, string> = { ...stackRaw(stack) };
  for (const [k, v] of Object.entries(changes)) {
    const key = k.includes(":") ? k : `mesh-lab:${k}`;
    if (v === undefined) delete raw[key];
    else raw[key] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return raw;
}

/** The default apps of Pulumi.yaml, as plain objects to edit in a test. */
export function defaultApps(stack = "cluster-1"): Record<string, unknown>[] {
  return JSON.parse(stackRaw(stack)["mesh-lab:apps"]);
}

export type ClusterObjects = Record<string, Record<string, unknown>>;

/** What the right cluster shows the stack's read-only identity check: istiod's CLUSTER_ID and istio-system's network. */
export function clusterOf(settings: Pick<MeshSettings, "clusterName" | "network">): ClusterObjects {
  return {
    "kubernetes:apps/v1:Deployment|istio-system/istiod": {
      metadata: { name: "istiod", namespace: "istio-system" },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "discovery",
                env: [
                  { name: "PILOT_TRACE_SAMPLING", value: "1" },
                  { name: "CLUSTER_ID", value: settings.clusterName },
                ],
              },
            ],
          },
        },
      },
    },
    "kubernetes:core/v1:Namespace|istio-system": {
      metadata: { name: "istio-system", labels: { "topology.istio.io/network": settings.network } },
    },
  };
}

/** Warnings the last program run sent to its hook (pulumi.log.warn under the CLI). */
export const warnings: string[] = [];

/** The program as index.ts runs it, with its warnings collected in `warnings`. */
export function program(inputs: StackInputs): () => object {
  return () => meshProgram(inputs, { warn: (w) => void warnings.push(w) });
}

/** Runs the program as `pulumi up` would, against a cluster that is the stack's own, unless given another. */
export function run(settings: MeshSettings, cluster: ClusterObjects = clusterOf(settings)): Promise<Capture> {
  warnings.length = 0;
  return runProgram(program({ settings }), cluster);
}

/** The Pulumi type token the SDK registers a manifest under (`kubernetes:core/v1:Namespace`). */
export function typeToken(manifest: { apiVersion: string; kind: string }): string {
  const apiVersion = manifest.apiVersion.includes("/") ? manifest.apiVersion : `core/${manifest.apiVersion}`;
  return `kubernetes:${apiVersion}:${manifest.kind}`;
}

/** The stack's plan, shaped like a program run's records (type, logical name, inputs), so the same helpers read it. */
export function planned(settings: MeshSettings): Capture {
  const resources = buildPlan(settings).objects.map((o) => {
    const inputs: Record<string, unknown> = { ...o.manifest };
    return { type: typeToken(o.manifest), name: o.name, inputs } as RecordedResource;
  });
  return { resources, reads: [], readProviders: [], violations: [], outputs: {} };
}

/** The program's run for a real stack as committed, under the recording mock. */
export function runStack(stack: string): Promise<Capture> {
  return run(stackSettings(stack));
}

/** The one resource of this type and logical name; fails the test when it is missing. */
export function find(capture: Capture, type: string, name: string): RecordedResource {
  const found = capture.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    const have = capture.resources.map((r) => `${r.type} ${r.name}`).join("\n  ");
    throw new Error(`expected one ${type} "${name}", found ${found.length}; registered:\n  ${have}`);
  }
  return found[0];
}

export function names(capture: Capture, type: string): string[] {
  return capture.resources
    .filter((r) => r.type === type)
    .map((r) => r.name)
    .sort();
}

export const T = {
  provider: "pulumi:providers:kubernetes",
  namespace: "kubernetes:core/v1:Namespace",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  service: "kubernetes:core/v1:Service",
  deployment: "kubernetes:apps/v1:Deployment",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  telemetry: "kubernetes:telemetry.istio.io/v1:Telemetry",
  policy: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
} as const;
