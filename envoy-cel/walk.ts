import { ATTRIBUTE_ROOTS, AttributeNode } from "./attribute-tree";

/** The part of a cel-js AST node this module reads. */
export interface CelNode {
  readonly op: string;
  readonly args: unknown;
  readonly range: { readonly start: number; readonly end: number };
}

export function isNode(x: unknown): x is CelNode {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as CelNode).op === "string" &&
    typeof (x as CelNode).range === "object"
  );
}

export function children(node: CelNode): CelNode[] {
  const args = node.args;
  if (isNode(args)) return [args];
  if (!Array.isArray(args)) return [];
  return args.flatMap((a) => (isNode(a) ? [a] : Array.isArray(a) ? a.filter(isNode) : []));
}

/** Every node, parents before children, left to right. */
export function* preorder(node: CelNode): Generator<CelNode> {
  yield node;
  for (const child of children(node)) yield* preorder(child);
}

/** A `.field` (or `['field']`) selection chain rooted at a variable: `request.headers`. */
interface Chain {
  readonly root: string;
  readonly start: number;
  /** Each selected name, with the source offset where that selection ends. */
  readonly steps: readonly { readonly name: string; readonly end: number }[];
}

function chainOf(node: CelNode): Chain | undefined {
  const steps: { name: string; end: number }[] = [];
  let n: CelNode = node;
  for (;;) {
    const args = n.args as unknown[];
    if (n.op === "." && isNode(args[0]) && typeof args[1] === "string") {
      steps.unshift({ name: args[1], end: n.range.end });
      n = args[0];
    } else if (
      n.op === "[]" &&
      isNode(args[0]) &&
      isNode(args[1]) &&
      args[1].op === "value" &&
      typeof args[1].args === "string"
    ) {
      steps.unshift({ name: args[1].args, end: n.range.end });
      n = args[0];
    } else break;
  }
  if (n.op !== "id" || typeof n.args !== "string") return undefined;
  return { root: n.args, start: n.range.start, steps };
}

export interface UnknownAttribute {
  /** The selection up to and including the first unknown name: `response.duration`. */
  readonly path: string;
  /** The last known node on the way (`response`). */
  readonly parent: AttributeNode;
  readonly start: number;
  readonly end: number;
}

/**
 * The first selection of a field an attribute message does not have. cel-js's checker finds most of these
 * too, but not inside `has()`, where a typo would make the test silently false.
 */
export function findUnknownAttribute(ast: CelNode): UnknownAttribute | undefined {
  for (const node of preorder(ast)) {
    // A bare variable is a chain of no steps, which finds nothing.
    const chain = chainOf(node);
    let at = chain && ATTRIBUTE_ROOTS.get(chain.root);
    if (!chain || !at) continue;
    for (const step of chain.steps) {
      // Past a map or a scalar the names are keys (or cel-js's type errors), not attributes.
      if (!at.fields) break;
      const next: AttributeNode | undefined = at.fields.get(step.name);
      if (!next) return { path: `${at.path}.${step.name}`, parent: at, start: chain.start, end: step.end };
      at = next;
    }
  }
  return undefined;
}

/** `duration('...')` and `timestamp('...')` calls on a string literal: checkable now, or Envoy fails later. */
export function literalConversions(ast: CelNode): CelNode[] {
  return [...preorder(ast)].filter((n) => {
    const args = n.args as unknown[];
    if (n.op !== "call" || (args[0] !== "duration" && args[0] !== "timestamp") || !Array.isArray(args[1])) return false;
    const [arg] = args[1] as unknown[];
    return args[1].length === 1 && isNode(arg) && arg.op === "value" && typeof arg.args === "string";
  });
}
