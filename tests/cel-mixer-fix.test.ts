import * as assert from "assert";
import { checkTagExpression } from "../envoy-cel/check-expression";
import { splitPipes } from "../envoy-cel/mixer";

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
    assert.strictEqual(
      fix("request.host | request.path | 'x'"),
      `${GENERIC}: has(request.host) ? request.host : (has(request.path) ? request.path : 'x')`,
    );
  });

  it("offers only the general rule when an operand is no field selection, or the rewrite would not type-check", () => {
    assert.strictEqual(fix("request.headers['x-user'] | 'anonymous'"), GENERIC);
    assert.strictEqual(fix("request.size | 'x'"), GENERIC, "an int or a string is no single type");
  });
});
