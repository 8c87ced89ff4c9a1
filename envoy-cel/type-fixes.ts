import { CelNode, isNode } from "./walk";

/** A problem's text and where it is, before the checker adds its kind and position. */
export interface Finding {
  readonly message: string;
  readonly fix: string;
  readonly start: number;
  readonly end: number;
}

/** Whether a rewritten expression passes every check; a fix only offers an expression that does. */
export type Verify = (expr: string) => boolean;

/** cel-js's error fields used here; its TypeError is not imported to keep the global TypeError usable. */
export interface CelError {
  readonly code: string;
  readonly summary: string;
  readonly node?: unknown;
  readonly range?: { readonly start: number; readonly end: number };
}

export const CEL_SPEC = "https://github.com/google/cel-spec/blob/master/doc/langdef.md";

/** Type names as a user writes them: `duration`, not `google.protobuf.Duration`. */
export function readableType(type: string): string {
  return type
    .replace(/google\.protobuf\.Duration/g, "duration")
    .replace(/google\.protobuf\.Timestamp/g, "timestamp")
    .replace(/\battributes\.([\w.]+)/g, "message $1");
}

export const replaceRange = (expr: string, start: number, end: number, text: string) =>
  expr.slice(0, start) + text + expr.slice(end);

const NUMBER = new Set(["int", "uint", "double"]);
const COMPARISON = new Set(["==", "!=", "<", "<=", ">", ">="]);

function numberLiteral(node: unknown): string | undefined {
  if (!isNode(node) || node.op !== "value") return undefined;
  return typeof node.args === "bigint" || typeof node.args === "number" ? String(node.args) : undefined;
}

// A bare number beside a duration is read as milliseconds, the unit of istio_request_duration_milliseconds.
function asDuration(ms: string): string {
  const n = Number(ms);
  return Number.isInteger(n) && n % 1000 === 0 ? `duration('${n / 1000}s')` : `duration('${ms}ms')`;
}

function binaryFix(expr: string, node: CelNode, op: string, types: [string, string], verify: Verify): string {
  const sides = node.args as [CelNode, CelNode];
  const text = (i: number) => expr.slice(sides[i].range.start, sides[i].range.end);
  const rewrite = (i: number, replacement: string) => {
    const fixed = replaceRange(expr, sides[i].range.start, sides[i].range.end, replacement);
    return verify(fixed) ? fixed : undefined;
  };
  for (const [d, n] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const literal = numberLiteral(sides[n]);
    if (types[d] === "duration" && NUMBER.has(types[n])) {
      const fixed = literal === undefined ? undefined : rewrite(n, asDuration(literal));
      if (fixed) return `write the number as a duration: ${fixed} (${literal} read as milliseconds)`;
      if (COMPARISON.has(op)) return `compare a duration with a duration, e.g. ${text(d)} ${op} duration('1s')`;
    }
    if (types[d] === "timestamp" && NUMBER.has(types[n]) && COMPARISON.has(op)) {
      return `compare a timestamp with a timestamp, e.g. ${text(d)} ${op} timestamp('2025-01-01T00:00:00Z'), or use a part of it such as ${text(d)}.getHours()`;
    }
    if (types[d] === "uint" && types[n] === "int") {
      const fixed = literal === undefined ? undefined : rewrite(n, `${literal}u`);
      if (fixed) return `write the number as a uint (Envoy does not convert int to uint): ${fixed}`;
      return `convert one side, e.g. uint(${text(n)}) (Envoy does not convert int to uint)`;
    }
    if (types[d] === "string" && NUMBER.has(types[n])) {
      return `convert one side: string(${text(n)}) or ${types[n]}(${text(d)})`;
    }
  }
  return `both sides of "${op}" need matching types; convert one with int(), uint(), double(), string(), duration() or timestamp()`;
}

function ternaryFix(expr: string, node: CelNode, types: [string, string], verify: Verify): string {
  const [, yes, no] = node.args as [CelNode, CelNode, CelNode];
  const other = types[0] === "string" ? no : types[1] === "string" ? yes : undefined;
  if (other) {
    const fixed = replaceRange(
      expr,
      other.range.start,
      other.range.end,
      `string(${expr.slice(other.range.start, other.range.end)})`,
    );
    if (verify(fixed)) return `convert the other branch to a string: ${fixed}`;
  }
  return "make both branches the same type, e.g. wrap one in string()";
}

/** Explains a cel-js type error and, where it can, offers a rewritten expression that passes. */
export function typeFinding(expr: string, error: CelError, verify: Verify): Finding {
  const node = isNode(error.node) ? error.node : undefined;
  const start = node?.range.start ?? error.range?.start ?? 0;
  const end = node?.range.end ?? error.range?.end ?? expr.length;
  const at = { start, end };
  const summary = readableType(error.summary);
  if (error.code === "no_such_overload" && node) {
    const rest = summary.replace(/^no such overload: /, "");
    const op = node.op.replace(/_$/, "");
    const split = rest.indexOf(` ${op} `);
    if (isNode((node.args as unknown[])[0]) && isNode((node.args as unknown[])[1]) && split > 0) {
      const types: [string, string] = [rest.slice(0, split), rest.slice(split + op.length + 2)];
      return {
        ...at,
        message: `"${op}" is not defined for ${types[0]} and ${types[1]}`,
        fix: binaryFix(expr, node, op, types, verify),
      };
    }
    return {
      ...at,
      message: `"${op}" is not defined for ${rest.replace(op, "")}`,
      fix: `apply "${op}" to a type that has it (${CEL_SPEC})`,
    };
  }
  const branches = /got '(.+)' and '(.+)'$/.exec(summary);
  if (error.code === "incompatible_ternary_branches" && node && branches) {
    const types: [string, string] = [branches[1], branches[2]];
    return {
      ...at,
      message: `the branches of "?:" have different types, ${types[0]} and ${types[1]}`,
      fix: ternaryFix(expr, node, types, verify),
    };
  }
  if (error.code === "invalid_logical_operand" && node) {
    const got = /got '(.+)'$/.exec(summary)?.[1] ?? "another type";
    const mixer =
      node.op === "||"
        ? `"||" is a logical or, not a fallback; a fallback is written has(x) ? x : 'unknown'`
        : `compare the value to get a bool, e.g. x == 'value'`;
    return { ...at, message: `"${node.op}" needs bool operands, got ${got}`, fix: mixer };
  }
  const call = /^found no matching overload for '(.+)'$/.exec(summary);
  if (call)
    return {
      ...at,
      message: `no function ${call[1]}`,
      fix: `use a CEL standard function with these argument types (${CEL_SPEC})`,
    };
  return { ...at, message: summary, fix: `see the CEL language definition (${CEL_SPEC})` };
}
