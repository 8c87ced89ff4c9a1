import { lookupAttribute } from "./attribute-tree";
import { describeAttribute, suggestAttribute } from "./hints";
import { Verify } from "./type-fixes";

const GENERIC = `"x | y" is Mixer syntax; CEL writes a fallback as has(x) ? x : y`;
// has() takes a field selection: `request.host`, not a bare name or an index.
const PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/;

/** The operands of single `|`s outside string literals, or undefined when there is none or one is empty. */
export function splitPipes(expr: string): string[] | undefined {
  const parts: string[] = [];
  let quote: string | undefined;
  let from = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "|" && expr[i + 1] === "|") i++;
    else if (c === "|") {
      parts.push(expr.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(expr.slice(from).trim());
  return parts.length > 1 && parts.every((p) => p !== "") ? parts : undefined;
}

/**
 * The fix for Mixer's `x | y` fallback: the has() form, with unknown attributes replaced by the ones
 * meant (`source.namespace` by `filter_state.downstream_peer.namespace`) when the result passes.
 */
export function mixerFix(expr: string, verify: Verify): string {
  const parts = splitPipes(expr);
  if (!parts) return GENERIC;
  const notes: string[] = [];
  const operands = parts.map((part) => {
    if (!PATH.test(part) || lookupAttribute(part)) return part;
    const meant = suggestAttribute(part);
    if (!meant?.attribute) return part;
    notes.push(`${part} is not an Envoy attribute either: did you mean ${describeAttribute(meant)}?`);
    return meant.path;
  });
  if (!operands.slice(0, -1).every((o) => PATH.test(o))) return [GENERIC, ...notes].join(". ");
  const fixed = operands.reduceRight((rest, o) => `has(${o}) ? ${o} : ${rest.includes("?") ? `(${rest})` : rest}`);
  if (!verify(fixed)) return [GENERIC, ...notes].join(". ");
  return notes.length === 0 ? `${GENERIC}: ${fixed}` : `${GENERIC}. ${notes.join(" ")} Together: ${fixed}`;
}
