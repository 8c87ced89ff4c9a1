import * as assert from "assert";
import { celEnvironment, formatDuration } from "../envoy-cel/environment";
import { splitPipes } from "../envoy-cel/mixer";
import { checkTagExpression } from "../envoy-cel/check-expression";

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
      assert.strictEqual((celEnvironment() as unknown as { check(e: string): { valid: boolean } }).check(e).valid, true, e);
    }
  });
});

describe("Mixer's x | y, split where the fix needs it", () => {
  it("splits on single pipes outside string literals, and on nothing else", () => {
    const cases: [string, string[] | undefined][] = [
      ["a.b | 'c'", ["a.b", "'c'"]],
      ["a.b |c.d| 'e'", ["a.b", "c.d", "'e'"]],
      ["'x|y' | a.b", ["'x|y'", "a.b"]],
      ['"x|y" | a.b', ['"x|y"', "a.b"]],
      ["'it\\'s|' | a.b", ["'it\\'s|'", "a.b"]],
      ["'a\"|' | b.c", ["'a\"|'", "b.c"]],
      ["a.b || c.d", undefined],
      ["a.b || c.d | 'e'", ["a.b || c.d", "'e'"]],
      ["a.b | ", undefined],
      ["| a.b", undefined],
      ["a.b", undefined],
    ];
    assert.deepStrictEqual(
      cases.map(([e]) => splitPipes(e)),
      cases.map(([, want]) => want),
    );
  });
});

describe("the fix for Mixer's x | y", () => {
  const GENERIC = `"x | y" is Mixer syntax; CEL writes a fallback as has(x) ? x : y`;
  const fix = (e: string) => (checkTagExpression(e) as { fix?: string }).fix;

  it("nests has() over every operand but the last, parenthesised from the right", () => {
    assert.strictEqual(fix("request.host | request.path | 'x'"), `${GENERIC}: has(request.host) ? request.host : (has(request.path) ? request.path : 'x')`);
  });

  it("offers only the general rule when an operand is no field selection, or the rewrite would not type-check", () => {
    assert.strictEqual(fix("request.headers['x-user'] | 'anonymous'"), GENERIC);
    assert.strictEqual(fix("request.size | 'x'"), GENERIC, "an int or a string is no single type");
  });
});
