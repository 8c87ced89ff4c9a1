import * as pulumi from "@pulumi/pulumi";
import { StackInputs } from "../config/stack-config";
import { MeshOutputs, meshProgram } from "../program";
import { RecordedResource, Recorder } from "./recorder";

export interface Capture {
  readonly resources: readonly RecordedResource[];
  /** Cluster objects the program read (`<type>|<id>`). */
  readonly reads: readonly string[];
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

/** A program that failed: what it registered before failing is kept, to prove bad input registers nothing. */
export class CaptureError extends Error {
  constructor(
    public readonly cause: unknown,
    public readonly resources: readonly RecordedResource[],
  ) {
    super(`program failed after registering ${resources.length} resource(s): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "CaptureError";
  }
}

/**
 * Runs a program in-process, against the recording mock, and returns every resource it registered with its
 * inputs and options, plus its outputs. No CLI, backend or cluster involved. Without a program it runs the
 * real one in render mode, `meshProgram(inputs, "render")`, which reads nothing from a cluster. `cluster`
 * holds the objects a deploy-mode program may read, by `<type>|<id>`.
 */
export function captureProgram(
  inputs: StackInputs | undefined,
  program: () => MeshOutputs | object = () => meshProgram(inputs!, "render"),
  cluster: Readonly<Record<string, Record<string, unknown>>> = {},
): Promise<Capture> {
  const run = queue.then(async () => {
    await install();
    recorder.reset();
    recorder.cluster = cluster;
    // A failure inside the program after it returned (a throwing apply, a refused read) reaches Pulumi as an
    // unhandled rejection, which fails `pulumi up`. Here it fails the capture, with what was registered so far.
    let fail: (e: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const onRejection = (e: unknown) => fail(e);
    process.on("unhandledRejection", onRejection);
    try {
      const outputs = program();
      await Promise.race([waitForRPCs(), failed]);
      const settled = (await Promise.race([settle(outputs), failed])) as Record<string, unknown>;
      await Promise.race([waitForRPCs(), failed]);
      return { resources: [...recorder.resources], reads: [...recorder.reads], violations: [...recorder.violations], outputs: settled };
    } catch (e) {
      throw new CaptureError(e, [...recorder.resources]);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });
  queue = run.catch(() => undefined);
  return run;
}
