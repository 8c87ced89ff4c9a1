import * as pulumi from "@pulumi/pulumi";
import { StackInputs } from "../config/stack-config";
import { MeshOutputs, meshProgram } from "../program";
import { RecordedResource, Recorder } from "./recorder";

export interface Capture {
  readonly resources: readonly RecordedResource[];
  readonly violations: readonly string[];
  readonly outputs: Record<string, unknown>;
}

// Internal to @pulumi/pulumi but stable for years: resolves once every outstanding registration is done.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

const recorder = new Recorder();
let ready: Promise<void> | undefined;
let queue: Promise<unknown> = Promise.resolve();

// Mocks are process-wide: install them once, and run one program at a time so records never interleave.
function install(): Promise<void> {
  ready ??= (async () => {
    await pulumi.runtime.setMocks(recorder, "mesh-lab", "capture", false);
    recorder.attach(pulumi.runtime.getMonitor() as unknown as Parameters<Recorder["attach"]>[0]);
  })();
  return ready;
}

function settle(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return new Promise((resolve) => value.apply((v) => resolve(v)));
  if (Array.isArray(value)) return Promise.all(value.map(settle));
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    return Promise.all(entries.map(([, v]) => settle(v))).then((vs) => Object.fromEntries(entries.map(([k], i) => [k, vs[i]])));
  }
  return Promise.resolve(value);
}

/**
 * Runs the real program for one stack in-process, against the recording mock, and returns every resource
 * it registered with its inputs and options, plus the stack outputs. No CLI, backend or cluster involved.
 */
export function captureProgram(inputs: StackInputs, program: (i: StackInputs) => MeshOutputs | object = meshProgram): Promise<Capture> {
  const run = queue.then(async () => {
    await install();
    recorder.reset();
    const outputs = program(inputs);
    await waitForRPCs();
    const settled = (await settle(outputs)) as Record<string, unknown>;
    await waitForRPCs();
    return { resources: [...recorder.resources], violations: [...recorder.violations], outputs: settled };
  });
  queue = run.catch(() => undefined);
  return run;
}
