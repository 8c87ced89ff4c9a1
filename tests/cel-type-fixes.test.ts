import * as assert from "assert";
import { checkTagExpression } from "../envoy-cel/check-expression";
import { CEL_SPEC } from "../envoy-cel/type-fixes";

// One row per rule of envoy-cel/type-fixes.ts: the expression, the span, the message and the fix a user reads.
const GENERIC = (op: string) => `both sides of "${op}" need matching types; convert one with int(), uint(), double(), string(), duration() or timestamp()`;
const MIXED_BRANCHES = "make both branches the same type, e.g. wrap one in string()";
const rows: [string, number, number, string, string][] = [
  ["request.duration > 5", 0, 20, `">" is not defined for duration and int`, "write the number as a duration: request.duration > duration('5ms') (5 read as milliseconds)"],
  ["request.duration > 5000", 0, 23, `">" is not defined for duration and int`, "write the number as a duration: request.duration > duration('5s') (5000 read as milliseconds)"],
  ["5 < request.duration", 0, 20, `"<" is not defined for int and duration`, "write the number as a duration: duration('5ms') < request.duration (5 read as milliseconds)"],
  ["request.duration > 1.5", 0, 22, `">" is not defined for duration and double`, "write the number as a duration: request.duration > duration('1.5ms') (1.5 read as milliseconds)"],
  ["request.duration > request.size", 0, 31, `">" is not defined for duration and int`, "compare a duration with a duration, e.g. request.duration > duration('1s')"],
  ["string(request.duration * 2)", 7, 27, `"*" is not defined for duration and int`, GENERIC("*")],
  [
    "request.time > 5",
    0,
    16,
    `">" is not defined for timestamp and int`,
    "compare a timestamp with a timestamp, e.g. request.time > timestamp('2025-01-01T00:00:00Z'), or use a part of it such as request.time.getHours()",
  ],
  ["string(upstream.request_attempt_count + 1)", 7, 41, `"+" is not defined for uint and int`, "write the number as a uint (Envoy does not convert int to uint): string(upstream.request_attempt_count + 1u)"],
  ["string(1 + upstream.request_attempt_count)", 7, 41, `"+" is not defined for int and uint`, "write the number as a uint (Envoy does not convert int to uint): string(1u + upstream.request_attempt_count)"],
  ["string(upstream.num_endpoints + response.code)", 7, 45, `"+" is not defined for uint and int`, "convert one side, e.g. uint(response.code) (Envoy does not convert int to uint)"],
  ["string(upstream.num_endpoints + 1.5)", 7, 35, `"+" is not defined for uint and double`, GENERIC("+")],
  ["request.path == 5", 0, 17, `"==" is not defined for string and int`, "convert one side: string(5) or int(request.path)"],
  ["5 == request.path", 0, 17, `"==" is not defined for int and string`, "convert one side: string(5) or int(request.path)"],
  ["request.headers + 1", 0, 19, `"+" is not defined for map<string, string> and int`, GENERIC("+")],
  ["-request.path", 0, 13, `"-" is not defined for string`, `apply "-" to a type that has it (${CEL_SPEC})`],
  ["!request.path", 0, 13, `"!" is not defined for string`, `apply "!" to a type that has it (${CEL_SPEC})`],
  ["response.code > 400 ? 'x' : 1", 0, 29, `the branches of "?:" have different types, string and int`, "convert the other branch to a string: response.code > 400 ? 'x' : string(1)"],
  ["response.code > 400 ? 1 : 'x'", 0, 29, `the branches of "?:" have different types, int and string`, "convert the other branch to a string: response.code > 400 ? string(1) : 'x'"],
  ["response.code > 400 ? 1 : 2.0", 0, 29, `the branches of "?:" have different types, int and double`, MIXED_BRANCHES],
  ["response.code > 400 ? request.headers : 'x'", 0, 43, `the branches of "?:" have different types, map<string, string> and string`, MIXED_BRANCHES],
  ["request.path || 'x'", 0, 19, `"||" needs bool operands, got string`, `"||" is a logical or, not a fallback; a fallback is written has(x) ? x : 'unknown'`],
  ["request.path && true", 0, 20, `"&&" needs bool operands, got string`, "compare the value to get a bool, e.g. x == 'value'"],
  ["size(1)", 0, 7, "no function size(int)", `use a CEL standard function with these argument types (${CEL_SPEC})`],
  ["request.path.foo()", 0, 18, "no function string.foo()", `use a CEL standard function with these argument types (${CEL_SPEC})`],
  ["request.path[0]", 0, 15, "Cannot index type 'string'", `see the CEL language definition (${CEL_SPEC})`],
];

describe("type errors in tag expressions: the message and the fix of each rule", () => {
  for (const [expr, start, end, message, fix] of rows) {
    it(expr, () => {
      const r = checkTagExpression(expr);
      assert.ok(!r.ok, `expected a type error for ${expr}`);
      assert.deepStrictEqual({ kind: r.kind, start: r.start, end: r.end, message: r.message, fix: r.fix }, { kind: "type", start, end, message, fix });
    });
  }
});
