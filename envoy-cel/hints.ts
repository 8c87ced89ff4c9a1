import { distance } from "fastest-levenshtein";
import { didYouMean } from "./nearest-name";
import { ALL_NODES, ATTRIBUTE_ROOTS, AttributeNode, LEAF_PATHS, lookupAttribute } from "./attribute-tree";
import { PEER_OF } from "./envoy-attributes";

const parentPath = (path: string) => path.slice(0, path.lastIndexOf("."));

function fieldNear(node: AttributeNode | undefined, name: string): AttributeNode | undefined {
  if (!node?.fields) return undefined;
  const near = node.fields.has(name) ? name : didYouMean(name, [...node.fields.keys()]);
  return near === undefined ? undefined : node.fields.get(near);
}

/**
 * The real attribute a user most likely meant by an unknown path: a typo of a sibling
 * (`request.durration`), a Mixer-era workload attribute (`source.namespace`), the same name under another
 * root (`response.duration`). Under an unknown root, a typo of the root or of the whole path.
 */
export function suggestAttribute(path: string): AttributeNode | undefined {
  const segments = path.split(".");
  let at = ATTRIBUTE_ROOTS.get(segments[0]);
  if (!at) {
    const root = didYouMean(segments[0], [...ATTRIBUTE_ROOTS.keys()]);
    const rooted = root === undefined ? undefined : [root, ...segments.slice(1)].join(".");
    const fixed = rooted === undefined ? undefined : (lookupAttribute(rooted) ?? suggestAttribute(rooted));
    if (fixed) return fixed;
    const near = didYouMean(path, LEAF_PATHS);
    return near === undefined ? undefined : lookupAttribute(near);
  }
  let i = 1;
  // Past the last segment, segments[i] is undefined, a name no message has.
  for (; at.fields?.has(segments[i]); i++) at = at.fields.get(segments[i])!;
  if (i >= segments.length || !at.fields) return undefined;
  const parent: AttributeNode = at;
  const name = segments[i];

  const sibling = fieldNear(parent, name);
  if (sibling) return sibling;
  // A message without a peer (every one but source and destination) looks up undefined: no attribute.
  const peerField = fieldNear(lookupAttribute(PEER_OF[parent.path]), name);
  if (peerField) return peerField;
  const sameName = ALL_NODES.filter((n) => n.attribute && n.path.endsWith(`.${name}`));
  if (sameName.length === 0) return undefined;
  return sameName.reduce((best, n) =>
    distance(parentPath(n.path), parent.path) < distance(parentPath(best.path), parent.path) ? n : best,
  );
}

/** `request.duration (duration: total duration of the request)`, for messages. */
export function describeAttribute(node: AttributeNode): string {
  if (!node.attribute) return `${node.path} (a message with ${fieldList(node)})`;
  const { type, note, label } = node.attribute;
  const carried = label === undefined ? "" : `; the standard label ${label} already carries it`;
  return `${node.path} (${type}: ${note}${carried})`;
}

export function fieldList(node: AttributeNode): string {
  return [...(node.fields?.keys() ?? [])].join(", ");
}
