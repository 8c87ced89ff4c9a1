import { CelError, Finding } from "./type-fixes";
import { CelNode, children, isNode, preorder } from "./walk";

/** What evaluates constants: the checker's own environment (cel-js), the same semantics the checker types with. */
export interface Evaluator {
  evaluate(expr: string): unknown;
}

const isMatches = (n: CelNode) => (n.op === "rcall" || n.op === "call") && (n.args as unknown[])[0] === "matches";

/** No attribute (no `id`), and no `matches` (cel-js runs JS regexes, not RE2: `regexFailure` checks those). */
function isConstant(node: CelNode): boolean {
  return [...preorder(node)].every((n) => n.op !== "id" && !isMatches(n));
}

function summary(e: unknown): string {
  return (e as CelError).summary ?? String(e);
}

/**
 * The first constant sub-expression (no attribute in it) that fails when evaluated: `string(1 / 0)`,
 * `9223372036854775807 + 1`, `int('x')`. It fails the same way every time Envoy evaluates the tag, so the tag
 * is always `unknown`. Only the largest constant parts are evaluated; plain literals are skipped.
 */
export function constantFailure(expr: string, ast: CelNode, env: Evaluator): Finding | undefined {
  const visit = (node: CelNode): Finding | undefined => {
    if (isConstant(node)) {
      if (node.op === "value") return undefined;
      const text = expr.slice(node.range.start, node.range.end);
      try {
        env.evaluate(text);
        return undefined;
      } catch (e) {
        return {
          start: node.range.start,
          end: node.range.end,
          message: `${text} has no attribute in it and fails whenever Envoy evaluates it (${summary(e)}), so the tag is always unknown`,
          fix: "compute it differently: no division by zero, results within int64/uint64, conversions of valid literals",
        };
      }
    }
    for (const c of children(node)) {
      const found = visit(c);
      if (found) return found;
    }
    return undefined;
  };
  return visit(ast);
}

// RE2 has no backreferences and no lookaround (https://github.com/google/re2/wiki/Syntax: "NOT SUPPORTED").
const RE2_UNSUPPORTED: readonly [RegExp, string][] = [
  [/\\[1-9]/, "a backreference"],
  [/\\k</, "a named backreference"],
  [/\(\?<?[=!]/, "a lookaround"],
  [/\(\?>/, "an atomic group"],
];

/** `\pL`, `\p{Lu}`, `\p{Greek}`, `\p{^Greek}` in RE2; JS writes a script as `\p{Script=Greek}` and has no `^` inside. */
function unicodeClass(_m: string, p: string, braced: string | undefined, single: string | undefined): string {
  const negated = braced?.startsWith("^") === true;
  const name = single ?? braced!.slice(negated ? 1 : 0);
  const upper = negated === (p === "p") ? "P" : "p";
  // One or two letters: a general category (L, Lu, Nd), which JS names the same way; longer: a script, or Any.
  const js = name.length <= 2 || name === "Any" ? name : `Script=${name}`;
  return `\\${upper}{${js}}`;
}

/** RE2 spellings JS does not know, rewritten to their JS equivalents so that only real syntax errors remain. */
function asJsRegex(re2: string): string {
  return re2
    .replace(/\(\?[imsU]+\)/g, "")
    .replace(/\(\?[imsU-]+:/g, "(?:")
    .replace(/\(\?P</g, "(?<")
    .replace(/\\[Az]/g, "")
    .replace(/\\([pP])(?:\{([^}]*)\}|([A-Z]))/g, unicodeClass)
    .replace(/\[:\^?[a-z]+:\]/g, "a-z")
    .replace(/\\Q(.*?)(\\E|$)/g, (_m, lit: string) => lit.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

/**
 * The first `matches` call with a constant pattern that RE2 (Envoy's CEL regex engine; cel-spec: "matches ...
 * RE2 syntax") cannot compile: such a call fails on every evaluation and the tag is always unknown.
 */
export function regexFailure(ast: CelNode): Finding | undefined {
  for (const n of preorder(ast)) {
    if (!isMatches(n)) continue;
    const args = n.args as unknown[];
    const pattern = n.op === "rcall" ? (args[2] as unknown[])?.[0] : (args[1] as unknown[])?.[1];
    if (!isNode(pattern) || pattern.op !== "value" || typeof pattern.args !== "string") continue;
    const re = pattern.args;
    const at = { start: pattern.range.start, end: pattern.range.end };
    const fix =
      "write an RE2 pattern (https://github.com/google/re2/wiki/Syntax): no backreferences or lookaround, balanced groups";
    for (const [bad, what] of RE2_UNSUPPORTED) {
      if (bad.test(re))
        return {
          ...at,
          message: `the pattern ${JSON.stringify(re)} uses ${what}, which RE2 does not support, so matches() fails whenever Envoy evaluates it`,
          fix,
        };
    }
    try {
      const js = asJsRegex(re);
      new RegExp(js, /\\[pP]\{/.test(js) ? "u" : "");
    } catch (e) {
      return {
        ...at,
        message: `the pattern ${JSON.stringify(re)} is not a valid regular expression (${(e as Error).message}), so matches() fails whenever Envoy evaluates it`,
        fix,
      };
    }
  }
  return undefined;
}
