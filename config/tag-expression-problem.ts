import { checkTagExpression, TagCheckFailure, TagCheckKind } from "../envoy-cel/check-expression";

const KIND: Readonly<Record<TagCheckKind, string>> = {
  parse: "syntax error",
  attribute: "unknown attribute",
  type: "type mismatch",
  result: "not a scalar",
  literal: "fails at run time",
};

const INDENT = "    ";

/** The expression, with a caret under the failing part (`^~~~`) after the line it is on. */
export function caretBlock(
  expr: string,
  failure: Pick<TagCheckFailure, "start" | "end" | "line" | "column">,
): string[] {
  const lines = expr.split("\n");
  const onLine = lines[failure.line - 1];
  const width = Math.max(1, Math.min(failure.end - failure.start, onLine.length - failure.column + 1));
  const caret = `${" ".repeat(failure.column - 1)}^${"~".repeat(width - 1)}`;
  const out = lines.map((l) => `${INDENT}  ${l}`);
  out.splice(failure.line, 0, `${INDENT}  ${caret}`);
  return out;
}

/**
 * The config problem for one tag override value, or undefined when Envoy will evaluate it fine.
 * Names the key, the metric and the tag, shows the expression with the failing part marked, and the fix.
 */
export function tagExpressionProblem(key: string, metric: string, tag: string, expr: string): string | undefined {
  const result = checkTagExpression(expr);
  if (result.ok) return undefined;
  const where =
    result.line > 1 || expr.includes("\n") ? `line ${result.line}, column ${result.column}` : `column ${result.column}`;
  return [
    `key "${key}" (metric ${metric}, tag ${tag}): ${KIND[result.kind]} at ${where}: ${result.message}`,
    ...caretBlock(expr, result),
    `${INDENT}fix: ${result.fix.replace(/\n/g, `\n${INDENT}     `)}`,
  ].join("\n");
}
