import { ParseResult } from "@marcbachmann/cel-js";
import { ATTRIBUTE_ROOTS, lookupAttribute } from "./attribute-tree";
import { ENVOY_ATTRIBUTES_DOC } from "./envoy-attributes";
import { celEnvironment } from "./environment";
import { describeAttribute, fieldList, suggestAttribute } from "./hints";
import { mixerFix } from "./mixer";
import { constantFailure, regexFailure } from "./run-time-failures";
import { CEL_SPEC, CelError, Finding, readableType, replaceRange, typeFinding } from "./type-fixes";
import { CelNode, findUnknownAttribute, literalConversions } from "./walk";

/**
 * What went wrong, in the order the checks run:
 * - `parse`: not CEL at all; Envoy drops the tag.
 * - `attribute`: a name Envoy does not have; the tag reads "unknown" (or a `has()` is always false).
 * - `type`: operands or branches of the wrong type; Envoy's evaluation fails and the tag reads "unknown".
 * - `result`: a map, list or message, which Envoy would print into the label as debug text.
 * - `literal`: a part that fails on every evaluation: a `duration('...')` / `timestamp('...')` argument, a
 *   constant sub-expression (`string(1 / 0)`, int overflow), a `matches` pattern RE2 cannot compile.
 */
export type TagCheckKind = "parse" | "attribute" | "type" | "result" | "literal";

export interface TagCheckOk {
  readonly ok: true;
  /** The CEL type of the tag value: `string`, `int`, `duration`, ... */
  readonly type: string;
}

export interface TagCheckFailure extends Finding {
  readonly ok: false;
  readonly kind: TagCheckKind;
  /** 1-based line and column of `start` in the expression. */
  readonly line: number;
  readonly column: number;
}

export type TagCheck = TagCheckOk | TagCheckFailure;

/** Types Envoy prints as a plain value into a metric label (`print()` in Envoy's CEL evaluator). */
const SCALARS = new Set([
  "string",
  "int",
  "uint",
  "double",
  "bool",
  "bytes",
  "google.protobuf.Duration",
  "google.protobuf.Timestamp",
]);

/**
 * Parses and type-checks one tag override value the way Envoy will evaluate it, against the typed
 * environment of Envoy's attributes. Pure: the same expression always gives the same answer.
 */
export function checkTagExpression(expr: string): TagCheck {
  // Not memoised, though pure: Stryker picks the tests that can kill a mutant by the code each test ran, and a
  // cache would credit only the first test to check an expression (docs/testing.md). A fleet's render pays about
  // 0.1 s for it at 200 stacks.
  return diagnose(expr, 2);
}

// `depth` bounds the checks a fix makes of its own rewritten expression.
function diagnose(expr: string, depth: number): TagCheck {
  const fail = (kind: TagCheckKind, finding: Finding): TagCheckFailure => ({
    ok: false,
    kind,
    ...finding,
    ...position(expr, finding.start),
  });
  const verify = (fixed: string) => depth > 0 && diagnose(fixed, 0).ok;
  const env = celEnvironment();
  let parsed: ParseResult;
  try {
    parsed = env.parse(expr);
  } catch (e) {
    return fail("parse", parseFinding(expr, e as CelError, depth));
  }
  const ast = parsed.ast as unknown as CelNode;
  const unknown = findUnknownAttribute(ast);
  if (unknown) return fail("attribute", attributeFinding(expr, unknown.path, unknown.start, unknown.end, depth));
  const checked = parsed.check();
  if (!checked.valid) {
    const error = checked.error as unknown as CelError;
    if (error.code === "unknown_variable" || error.code === "no_such_key")
      return fail("attribute", unknownName(expr, error, depth));
    return fail("type", typeFinding(expr, error, verify));
  }
  const type = checked.type ?? "dyn";
  if (!SCALARS.has(type)) return fail("result", resultFinding(expr, ast, type));
  for (const call of literalConversions(ast)) {
    const text = expr.slice(call.range.start, call.range.end);
    try {
      env.evaluate(text);
    } catch (e) {
      const fix =
        (call.args as unknown[])[0] === "duration"
          ? "write a duration with its unit: '1s', '250ms', '1m30s'"
          : "write a timestamp in RFC 3339: '2025-01-01T00:00:00Z'";
      return fail("literal", {
        start: call.range.start,
        end: call.range.end,
        message: `${text} fails when Envoy evaluates it (${(e as CelError).summary})`,
        fix,
      });
    }
  }
  const runtime = regexFailure(ast) ?? constantFailure(expr, ast, env);
  if (runtime) return fail("literal", runtime);
  return { ok: true, type: readableType(type) };
}

function position(expr: string, offset: number): { line: number; column: number } {
  const before = expr.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function parseFinding(expr: string, error: CelError, depth: number): Finding {
  const start = error.range?.start ?? 0;
  const end = Math.max(error.range?.end ?? start, start + 1);
  if (expr[start] === "|")
    return {
      start,
      end: start + 1,
      message: `"|" is not a CEL operator`,
      fix: mixerFix(expr, (fixed) => depth > 0 && diagnose(fixed, 0).ok),
    };
  return {
    start,
    end,
    message: `syntax error: ${error.summary}`,
    fix: `write CEL: strings in quotes, && || ! for logic, c ? a : b to choose (${CEL_SPEC})`,
  };
}

/** An unknown name the checker found itself: an unknown root (`src.address`), or a field walk.ts missed. */
function unknownName(expr: string, error: CelError, depth: number): Finding {
  const start = error.range?.start ?? 0;
  const path = /^[\w.]*/.exec(expr.slice(start))![0].replace(/\.$/, "");
  return attributeFinding(expr, path, start, start + path.length, depth);
}

function attributeFinding(expr: string, path: string, start: number, end: number, depth: number): Finding {
  const root = path.split(".")[0];
  const message = `${path} is not an Envoy attribute`;
  const suggestion = suggestAttribute(path);
  if (!suggestion) {
    const parent = lookupAttribute(path.slice(0, path.lastIndexOf(".")));
    const known =
      ATTRIBUTE_ROOTS.has(root) && parent?.fields
        ? `${parent.path} has ${fieldList(parent)}`
        : `the attribute roots are ${[...ATTRIBUTE_ROOTS.keys()].join(", ")}`;
    return { start, end, message, fix: `${known} (${ENVOY_ATTRIBUTES_DOC})` };
  }
  const fix = `did you mean ${describeAttribute(suggestion)}?`;
  if (depth === 0) return { start, end, message, fix };
  const fixed = replaceRange(expr, start, end, suggestion.path);
  const next = diagnose(fixed, depth - 1);
  if (next.ok) return { start, end, message, fix: fixed === suggestion.path ? fix : `${fix} Fixed: ${fixed}` };
  return { start, end, message, fix: `${fix} With it, ${next.message}; ${next.fix}` };
}

function resultFinding(expr: string, ast: CelNode, type: string): Finding {
  const shown = expr.trim();
  const at = { start: ast.range.start, end: ast.range.end };
  const message = `the expression yields ${readableType(type)}, and a tag value must be a scalar (string, int, uint, double, bool, bytes, duration or timestamp)`;
  const msg = type.startsWith("attributes.") ? lookupAttribute(type.slice("attributes.".length)) : undefined;
  if (msg?.fields)
    return {
      ...at,
      message,
      fix: `select one of its fields (${fieldList(msg)}), e.g. ${shown}.${msg.fields.keys().next().value}`,
    };
  if (type.startsWith("map<")) return { ...at, message, fix: `select one entry, e.g. ${shown}['key']` };
  if (type.startsWith("list<"))
    return { ...at, message, fix: `select one element, e.g. ${shown}[0], or join them: ${shown}.join(',')` };
  if (type === "dyn") return { ...at, message, fix: `convert it: string(${shown})` };
  return { ...at, message, fix: "make it yield a string, number or bool" };
}
