import * as pulumi from "@pulumi/pulumi";
import { MockMonitor, RecordedResource, Recorder } from "./recorder";

export interface Capture {
  readonly resources: readonly RecordedResource[];
  /** Cluster objects the program read (`<type>|<id>`). */
  readonly reads: readonly string[];
  /** The provider reference each read went through, in the order of `reads`. */
  readonly readProviders: readonly string[];
  readonly violations: readonly string[];
  readonly outputs: Record<string, unknown>;
  /** What each component registered as its outputs, by URN (a program run's; a plan has none). */
  readonly componentOutputs?: Readonly<Record<string, Record<string, unknown>>>;
}

const recorder = new Recorder();
let ready: Promise<void> | undefined;
let queue: Promise<unknown> = Promise.resolve();

// Mocks are process-wide: install them once, and run one program at a time so records never interleave.
function install(): Promise<void> {
  ready ??= (async () => {
    await pulumi.runtime.setMocks(recorder, "mesh-lab", "capture", false);
    recorder.attach(pulumi.runtime.getMonitor() as unknown as MockMonitor);
  })();
  return ready;
}

function settle(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return new Promise((resolve) => value.apply((v) => resolve(v)));
  if (Array.isArray(value)) return Promise.all(value.map(settle));
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    return Promise.all(entries.map(([, v]) => settle(v))).then((vs) =>
      Object.fromEntries(entries.map(([k], i) => [k, vs[i]])),
    );
  }
  return Promise.resolve(value);
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Resolves once the monitor has answered everything and no new request arrived for a few event-loop turns:
 * the SDK prepares a registration asynchronously before it reaches the monitor, so one quiet turn is not enough.
 */
async function idle(): Promise<void> {
  for (let quiet = 0; quiet < 5;) {
    const before = recorder.requests;
    await tick();
    quiet = recorder.pending === 0 && recorder.requests === before ? quiet + 1 : 0;
  }
}

/** A program that failed: what it registered before failing is kept, to prove bad input registers nothing. */
export class CaptureError extends Error {
  constructor(
    public readonly cause: unknown,
    public readonly resources: readonly RecordedResource[],
  ) {
    super(
      `program failed after registering ${resources.length} resource(s): ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = "CaptureError";
  }
}

/**
 * Runs a program in-process, against the recording mock, and returns every resource it registered with its
 * inputs and options, plus its outputs. No CLI, backend or cluster involved. `cluster` holds the objects the
 * program may read, by `<type>|<id>`; any other read fails.
 */
export function runProgram(
  program: () => object,
  cluster: Readonly<Record<string, Record<string, unknown>>> = {},
): Promise<Capture> {
  const run = queue.then(async () => {
    await install();
    recorder.reset();
    recorder.cluster = cluster;
    // A failure inside the program after it returned (a throwing apply, a refused read) reaches Pulumi as an
    // unhandled rejection, which fails `pulumi up`. Here it fails the run, with what was registered so far.
    let fail: (e: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const onRejection = (e: unknown) => fail(e);
    process.on("unhandledRejection", onRejection);
    // The SDK formats a stack trace for every promise it wraps (runtime/debuggable.js, debuggablePromise), and with
    // tsx's source maps on, Node maps every frame of it: about a sixth of a program run. Off while the program
    // runs. Node formats an error's stack when it is first read, which for a failure is after this, mapped.
    const mapped = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    try {
      const outputs = program();
      await Promise.race([idle(), failed]);
      const settled = (await Promise.race([settle(outputs), failed])) as Record<string, unknown>;
      await Promise.race([idle(), failed]);
      return {
        resources: [...recorder.resources],
        reads: [...recorder.reads],
        readProviders: [...recorder.readProviders],
        violations: [...recorder.violations],
        outputs: settled,
        componentOutputs: { ...recorder.componentOutputs },
      };
    } catch (e) {
      throw new CaptureError(e, [...recorder.resources]);
    } finally {
      process.setSourceMapsEnabled(mapped);
      process.off("unhandledRejection", onRejection);
    }
  });
  queue = run.catch(() => undefined);
  return run;
}
