import { ENVOY_ATTRIBUTES, EnvoyAttribute } from "./envoy-attributes";

/** One node of the attribute table seen as a tree: a message (it has fields) or a leaf attribute. */
export interface AttributeNode {
  /** Full dotted path: `request`, `upstream.locality`, `request.duration`. */
  readonly path: string;
  /** Set on leaves only. */
  readonly attribute?: EnvoyAttribute;
  /** Set on messages only (roots and the parents of dotted names). */
  readonly fields?: ReadonlyMap<string, AttributeNode>;
}

interface MutableNode {
  path: string;
  attribute?: EnvoyAttribute;
  fields?: Map<string, MutableNode>;
}

function buildRoots(): ReadonlyMap<string, AttributeNode> {
  const roots = new Map<string, MutableNode>();
  for (const attr of ENVOY_ATTRIBUTES) {
    let node: MutableNode = roots.get(attr.root) ?? { path: attr.root, fields: new Map() };
    roots.set(attr.root, node);
    for (const segment of attr.name.split(".")) {
      if (!node.fields)
        throw new Error(`envoy-attributes: ${node.path} is a ${node.attribute?.type}, it cannot have field ${segment}`);
      const path = `${node.path}.${segment}`;
      const next: MutableNode = node.fields.get(segment) ?? { path, fields: new Map() };
      node.fields.set(segment, next);
      node = next;
    }
    if (node.attribute || (node.fields && node.fields.size > 0))
      throw new Error(`envoy-attributes: ${node.path} is declared twice`);
    node.attribute = attr;
    delete node.fields;
  }
  return roots;
}

/** The attribute roots (`request`, `response`, ..., `filter_state`), each a message. */
export const ATTRIBUTE_ROOTS: ReadonlyMap<string, AttributeNode> = buildRoots();

function collect(node: AttributeNode, into: AttributeNode[]): AttributeNode[] {
  into.push(node);
  for (const child of node.fields?.values() ?? []) collect(child, into);
  return into;
}

/** Every node, roots and messages included, parents before their fields. */
export const ALL_NODES: readonly AttributeNode[] = [...ATTRIBUTE_ROOTS.values()].flatMap((root) => collect(root, []));

/** Every leaf attribute's full path (`request.duration`). */
export const LEAF_PATHS: readonly string[] = ALL_NODES.filter((n) => n.attribute).map((n) => n.path);

const BY_PATH = new Map(ALL_NODES.map((n) => [n.path, n]));

export function lookupAttribute(path: string): AttributeNode | undefined {
  return BY_PATH.get(path);
}

/** The CEL message type name registered for a message node (`request` -> `attributes.request`). */
export function messageTypeName(path: string): string {
  return `attributes.${path}`;
}
