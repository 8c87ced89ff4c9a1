import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

/** One resource registration as the engine would receive it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Mock URN (`urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`): a change detector, not the engine's own. */
  readonly urn: string;
  readonly parent: string;
  readonly custom: boolean;
  /** Inputs as registered (secrets unwrapped to their plain value). */
  readonly inputs: Record<string, unknown>;
  /** Provider reference (`<urn>::<id>`); empty when the resource would use a default provider. */
  readonly provider: string;
  readonly retainOnDelete: boolean;
  readonly protect: boolean;
  /** Alias URNs and specs, as strings, for resources that were moved or renamed. */
  readonly aliases: readonly string[];
  /** Names of input properties that were registered as secrets. */
  readonly secretInputs: readonly string[];
  /** URNs this resource waits for (explicit `dependsOn` and input dependencies). */
  readonly dependsOn: readonly string[];
}

type Callback = (err: unknown, resp: unknown) => void;

/** The parts of the SDK's mock monitor (`pulumi.runtime.getMonitor()` under `setMocks`) the recorder wraps. */
export interface MockMonitor {
  registerResource(req: RegisterRequest, cb: Callback): unknown;
  readResource(req: unknown, cb: Callback): unknown;
  invoke(req: unknown, cb: Callback): unknown;
  registerResourceOutputs(req: OutputsRequest, cb: Callback): unknown;
  newUrn(parent: string, type: string, name: string): string;
}

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getRetainondelete?(): boolean;
  getProtect(): boolean;
  getAliasesList(): { toObject(): unknown }[];
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

function secretKeys(obj: Record<string, unknown> | undefined): string[] {
  if (!obj) return [];
  return Object.keys(obj).filter((k) => {
    const v = obj[k] as Record<string, unknown> | null;
    return typeof v === "object" && v !== null && v[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
  });
}

/**
 * A Pulumi mock that records every registration, its options included (the stock mock only sees type,
 * name and inputs). Kubernetes resources without a provider are recorded as violations: mocks do not
 * honour `pulumi:disable-default-providers`, so this is what enforces it in-process. Any invoke is an
 * error, so an unplanned cluster lookup fails loudly instead of returning an empty mock value.
 */
export class Recorder implements pulumi.runtime.Mocks {
  public resources: RecordedResource[] = [];
  public violations: string[] = [];
  /** Objects a program may read from "the cluster" (`Resource.get`), by `<type>|<id>`; any other read fails. */
  public cluster: Readonly<Record<string, Record<string, unknown>>> = {};
  /** The reads the program made, as `<type>|<id>`. */
  public reads: string[] = [];
  /** The provider reference (`<urn>::<id>`) each read went through, in the order of `reads`; "" for the default one. */
  public readProviders: string[] = [];
  /** What each component registered as its outputs (`registerOutputs`), by URN. */
  public componentOutputs: Record<string, Record<string, unknown>> = {};
  private readonly options = new Map<
    string,
    Omit<RecordedResource, "inputs" | "provider" | "custom" | "type" | "name">
  >();

  reset(): void {
    this.pending = 0;
    this.requests = 0;
    this.resources = [];
    this.violations = [];
    this.reads = [];
    this.readProviders = [];
    this.componentOutputs = {};
    this.options.clear();
  }

  /** Registrations, reads and invokes the monitor has been asked for and not yet answered. */
  public pending = 0;
  /** Counts every request the monitor received, so a caller can tell "idle" from "not started yet". */
  public requests = 0;

  /** Wraps the mock monitor so the full registration request (parent, options) is recorded too, and counted. */
  attach(monitor: MockMonitor): void {
    const counted =
      <R>(call: (req: R, cb: Callback) => unknown) =>
      (req: R, cb: Callback) => {
        this.pending++;
        this.requests++;
        return call(req, (err, resp) => {
          this.pending--;
          cb(err, resp);
        });
      };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = counted((req: RegisterRequest, cb: Callback) => {
      this.options.set(`${req.getType()}|${req.getName()}`, {
        urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
        parent: req.getParent(),
        retainOnDelete: req.getRetainondelete?.() ?? false,
        protect: req.getProtect(),
        aliases: req.getAliasesList().map((a) => JSON.stringify(a.toObject())),
        secretInputs: secretKeys(req.getObject()?.toJavaScript()),
        dependsOn: [...req.getDependenciesList()].sort(),
      });
      return register(req, cb);
    });
    monitor.readResource = counted(monitor.readResource.bind(monitor));
    monitor.invoke = counted(monitor.invoke.bind(monitor));
    const outputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = counted((req: OutputsRequest, cb: Callback) => {
      this.componentOutputs[req.getUrn()] = req.getOutputs()?.toJavaScript() ?? {};
      return outputs(req, cb);
    });
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const opts = this.options.get(`${args.type}|${args.name}`);
    if (!opts && args.id) return this.read(args.type, args.id, args.provider ?? "");
    if (!opts) throw new Error(`recorder: no registration options seen for ${args.type} ${args.name}`);
    const provider = args.provider ?? "";
    this.resources.push({
      ...opts,
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs: args.inputs,
      provider,
    });
    if (args.type.startsWith("kubernetes:") && provider === "") {
      this.violations.push(`${args.type} "${args.name}" has no explicit provider and would use the default one`);
    }
    return { id: args.custom === false ? undefined : `${args.name}-id`, state: this.outputsOf(args) };
  }

  private read(type: string, id: string, provider: string): { id: string; state: Record<string, unknown> } {
    const key = `${type}|${id}`;
    this.reads.push(key);
    this.readProviders.push(provider);
    // A read through the default provider would reach whatever cluster the ambient kubeconfig points at.
    if (type.startsWith("kubernetes:") && provider === "")
      this.violations.push(`read of ${key} has no explicit provider and would use the default one`);
    const state = this.cluster[key];
    if (!state) throw new Error(`recorder: unexpected read of ${key}: no cluster object was given for it`);
    return { id, state };
  }

  // Outputs the real providers compute: a random id is derived from its keepers, so new keepers, new id.
  private outputsOf(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    if (args.type !== "random:index/randomId:RandomId") return args.inputs;
    const digest = createHash("sha256")
      .update(JSON.stringify(args.inputs.keepers ?? {}))
      .digest("hex");
    return { ...args.inputs, hex: digest.slice(0, 2 * Number(args.inputs.byteLength)) };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    throw new Error(`recorder: unexpected invoke ${args.token}(${JSON.stringify(args.inputs)})`);
  }
}
