import * as assert from "assert";
import { celEnvironment, formatDuration } from "../envoy-cel/environment";

// The conversions mesh-lab adds to cel-js (Envoy's cel-cpp has them): string() of a duration and of a timestamp.
describe("CEL conversions the checker adds", () => {
  const evaluate = (expr: string) => (celEnvironment() as unknown as { evaluate(e: string): unknown }).evaluate(expr);

  it("string(duration) prints seconds, the fraction without trailing zeros, and the sign", () => {
    const cases: [string, string][] = [
      ["1.5s", "1.5s"],
      ["2s", "2s"],
      ["0s", "0s"],
      ["0.000000001s", "0.000000001s"],
      ["-1.5s", "-1.5s"],
      ["-0.25s", "-0.25s"],
    ];
    assert.deepStrictEqual(
      cases.map(([d]) => evaluate(`string(duration('${d}'))`)),
      cases.map(([, want]) => want),
    );
  });

  it("formats the parts as cel-js holds them: negative nanos under a second carry the sign", () => {
    assert.strictEqual(formatDuration({ seconds: 0n, nanos: -250_000_000 }), "-0.25s");
    assert.strictEqual(formatDuration({ seconds: -3n, nanos: -10 }), "-3.00000001s");
    assert.strictEqual(formatDuration({ seconds: 12n, nanos: 0 }), "12s");
  });

  it("string(timestamp) prints the instant in UTC, ISO 8601", () => {
    assert.strictEqual(evaluate("string(timestamp('2024-01-02T03:04:05Z'))"), "2024-01-02T03:04:05.000Z");
  });

  it("type-checks string() of request.duration and request.time, which cel-js alone refuses", () => {
    for (const e of ["string(request.duration)", "string(request.time)"]) {
      assert.strictEqual(
        (celEnvironment() as unknown as { check(e: string): { valid: boolean } }).check(e).valid,
        true,
        e,
      );
    }
  });
});
