import * as assert from "assert";
import { checkTagExpression } from "../envoy-cel/check-expression";
import { celEnvironment } from "../envoy-cel/environment";
import { regexFailure } from "../envoy-cel/run-time-failures";

// Tag expressions that parse and type-check but fail on every evaluation: Envoy writes `unknown` for them.
const FIX_CONST =
  "compute it differently: no division by zero, results within int64/uint64, conversions of valid literals";
const FIX_RE =
  "write an RE2 pattern (https://github.com/google/re2/wiki/Syntax): no backreferences or lookaround, balanced groups";

const refused: [string, number, number, string, string][] = [
  [
    "string(1 / 0)",
    0,
    13,
    "string(1 / 0) has no attribute in it and fails whenever Envoy evaluates it (division by zero), so the tag is always unknown",
    FIX_CONST,
  ],
  [
    "string(9223372036854775807 + 1)",
    0,
    31,
    "string(9223372036854775807 + 1) has no attribute in it and fails whenever Envoy evaluates it (integer overflow: 9223372036854775808), so the tag is always unknown",
    FIX_CONST,
  ],
  [
    "response.code > 500 ? string(1u - 2u) : 'ok'",
    22,
    37,
    "string(1u - 2u) has no attribute in it and fails whenever Envoy evaluates it (Unsigned integer overflow), so the tag is always unknown",
    FIX_CONST,
  ],
  [
    "string(int('x'))",
    0,
    16,
    "string(int('x')) has no attribute in it and fails whenever Envoy evaluates it (int() type error: cannot convert to int), so the tag is always unknown",
    FIX_CONST,
  ],
  [
    "request.path.matches('a(') ? 'y' : 'n'",
    21,
    25,
    'the pattern "a(" is not a valid regular expression (Invalid regular expression: /a(/: Unterminated group), so matches() fails whenever Envoy evaluates it',
    FIX_RE,
  ],
  [
    "request.path.matches('(a)\\\\1') ? 'y' : 'n'",
    21,
    29,
    'the pattern "(a)\\\\1" uses a backreference, which RE2 does not support, so matches() fails whenever Envoy evaluates it',
    FIX_RE,
  ],
  [
    "request.path.matches('^/api(?=/v1)') ? 'y' : 'n'",
    21,
    35,
    'the pattern "^/api(?=/v1)" uses a lookaround, which RE2 does not support, so matches() fails whenever Envoy evaluates it',
    FIX_RE,
  ],
];

const accepted = [
  "request.path.matches('(?i)^/api/v[0-9]+$') ? 'api' : 'other'",
  "request.path.matches('^/(?P<svc>[a-z]+)/\\\\pL+\\\\z') ? 'y' : 'n'",
  "string(6 / 3)",
  "response.code >= 500 ? 'server_error' : 'none'",
  "request.duration > duration('1s') ? 'true' : 'false'",
];

describe("tag expressions that always fail at run time", () => {
  for (const [expr, start, end, message, fix] of refused) {
    it(`refuses ${expr}`, () => {
      const r = checkTagExpression(expr);
      assert.ok(!r.ok, `expected a failure for ${expr}`);
      assert.deepStrictEqual(
        { kind: r.kind, start: r.start, end: r.end, message: r.message, fix: r.fix },
        { kind: "literal", start, end, message, fix },
      );
    });
  }
  for (const expr of accepted) {
    it(`accepts ${expr}`, () => assert.deepStrictEqual(checkTagExpression(expr), { ok: true, type: "string" }));
  }
});

describe("RE2 patterns that JS spells differently: valid in RE2, so no failure", () => {
  const env = celEnvironment();
  // The pattern goes into a CEL string literal, where a backslash is written twice.
  const failure = (re2: string, call = (lit: string) => `request.path.matches(${lit})`) =>
    regexFailure(env.parse(call(`'${re2.replace(/\\/g, "\\\\")}'`)).ast)?.message;

  it("accepts flags at the start or later in the pattern, and flag groups", () => {
    for (const re2 of [
      String.raw`(?i)abc`,
      String.raw`(?is)abc`,
      String.raw`a(?i)b`,
      String.raw`(?i:abc)`,
      String.raw`(?is-U:abc)`,
    ]) {
      assert.strictEqual(failure(re2), undefined, re2);
    }
  });

  it("accepts Unicode classes by category or script, one letter or braced, negated either way", () => {
    for (const re2 of [
      String.raw`\pL+`,
      String.raw`\p{Greek}\pL`,
      String.raw`\P{Greek}`,
      String.raw`\p{^Greek}\PN`,
      String.raw`\p{Lu}\p{Any}`,
      String.raw`\A\pL+\z`,
    ]) {
      assert.strictEqual(failure(re2), undefined, re2);
    }
  });

  it("accepts ASCII classes and \\Q...\\E quoting, next to a class that needs JS's Unicode mode", () => {
    for (const re2 of [
      String.raw`\pL[[:alpha:]]`,
      String.raw`\pL[[:^digit:]]+`,
      String.raw`\Qa.b(\E`,
      String.raw`\Q(\E`,
      String.raw`\Qa(`,
    ]) {
      assert.strictEqual(failure(re2), undefined, re2);
    }
  });

  it("refuses an unknown Unicode class, the way RE2 does", () => {
    assert.match(
      failure(String.raw`\p{Nope}`) ?? "",
      /^the pattern "\\\\p\{Nope\}" is not a valid regular expression \(Invalid regular expression: \/\\p\{Script=Nope\}\/u: Invalid property name\)/,
    );
  });

  it("checks matches() called as a function too, and no other call's string argument", () => {
    assert.match(
      failure("a(", (lit) => `matches(request.path, ${lit})`) ?? "",
      /^the pattern "a\(" is not a valid regular expression/,
    );
    assert.strictEqual(
      failure("a(", (lit) => `request.path.contains(${lit})`),
      undefined,
    );
    assert.strictEqual(
      failure("a(", (lit) => `request.path.startsWith(${lit})`),
      undefined,
    );
  });
});
