import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./run-program";
import { tlsOutputs } from "./tls-mock";

type NewResource = (
  args: pulumi.runtime.MockResourceArgs,
) =>
  | Promise<{ id: string | undefined; state: Record<string, unknown> }>
  | { id: string | undefined; state: Record<string, unknown> };

/** What the token controller writes into a service-account-token Secret, and pulumi-kubernetes waits for. */
export const TOKEN = "reader-token-for-tests";
export const CLUSTER_CA = "-----BEGIN CERTIFICATE-----\nY2x1c3Rlci1jYQ==\n-----END CERTIFICATE-----\n";

let installed: Promise<void> | undefined;

/**
 * Extends the recording mock (tests/support/recorder.ts, unchanged) with what providers compute and the recorder
 * does not: tls outputs (tls-mock.ts) and the token controller's data on a service-account-token Secret. It
 * wraps the mock monitor's `mocks`, so the recorder still sees and records every registration first.
 */
export function installMockExtensions(): Promise<void> {
  installed ??= (async () => {
    await runProgram(() => ({}));
    const monitor = pulumi.runtime.getMonitor() as unknown as { mocks: { newResource: NewResource; call: unknown } };
    const inner = monitor.mocks;
    const newResource: NewResource = async (args) => {
      const result = await inner.newResource(args);
      const tls = await tlsOutputs(args.type, args.name, args.inputs);
      if (tls) return { ...result, state: { ...result.state, ...tls } };
      if (args.type === "kubernetes:core/v1:Secret" && args.inputs.type === "kubernetes.io/service-account-token") {
        const data = {
          token: Buffer.from(TOKEN).toString("base64"),
          "ca.crt": Buffer.from(CLUSTER_CA).toString("base64"),
        };
        return { ...result, state: { ...result.state, data } };
      }
      return result;
    };
    monitor.mocks = {
      newResource,
      call: (inner.call as (...a: unknown[]) => unknown).bind(inner),
    };
  })();
  return installed;
}
