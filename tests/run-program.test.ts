import * as assert from "assert";
import * as fs from "fs";
import { CaptureError, runProgram } from "./support/run-program";

// The test helper turns source maps off while a program runs (the SDK formats a stack per promise); a failure must
// still point at its TypeScript line, and the rest of the test process must get source maps back.
describe("runProgram (the mocked program run): stack traces", () => {
  it("a program's failure still points at the TypeScript line that threw", async () => {
    const line =
      fs
        .readFileSync(__filename, "utf8")
        .split("\n")
        .findIndex((l) => l.trim() === 'throw new Error("thrown here");') + 1;
    const failed = await runProgram(() => {
      throw new Error("thrown here");
    }).catch((e: unknown) => e);
    assert.ok(failed instanceof CaptureError, String(failed));
    assert.match(String((failed.cause as Error).stack), new RegExp(`run-program\\.test\\.ts:${line}:`));
  });

  it("source maps are on again after a run, whether it failed or not", async () => {
    assert.strictEqual(process.sourceMapsEnabled, true, "tsx turns source maps on in the test process");
    await runProgram(() => ({}));
    assert.strictEqual(process.sourceMapsEnabled, true);
    await runProgram(() => {
      throw new Error("no");
    }).catch(() => undefined);
    assert.strictEqual(process.sourceMapsEnabled, true);
  });
});
