import { Document, parse, parseAllDocuments, Tags, visit } from "yaml";
import { needsQuotes, QuoteCache } from "./needs-quotes";
import { compareKeys, printFile } from "./yaml-print";

/**
 * A deep copy with object keys in one fixed order (and `undefined` members dropped), so the same data always
 * serialises to the same bytes, whatever order the program built it in.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareKeys(a, b));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** The same data, compared by content: canonical JSON text. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(canonical(value));
}

/**
 * YAML for one document: keys in canonical order (or as given, with `keepOrder`, for files whose conventional
 * order is not alphabetical), no anchors or aliases, no line folding, and every string that a YAML 1.1 or 1.2
 * parser would read as something else quoted. `comment` goes on top as `# ` lines. Printed directly
 * (render/yaml-print.ts) where the data is made of what objects are usually made of, else by the yaml package;
 * both write the same bytes.
 */
export function toYaml(
  data: unknown,
  comment?: string,
  opts: { readonly keepOrder?: boolean; readonly quotes?: QuoteCache } = {},
): string {
  const quotes = opts.quotes ?? new Map<string, boolean>();
  return (
    printFile(data, comment, { keepOrder: opts.keepOrder, quotes }) ?? documentYaml(data, comment, { ...opts, quotes })
  );
}

/** `toYaml` through the yaml package's document, for any data. */
export function documentYaml(
  data: unknown,
  comment?: string,
  opts: { readonly keepOrder?: boolean; readonly quotes?: QuoteCache } = {},
): string {
  const quotes = opts.quotes ?? new Map<string, boolean>();
  // Without the merge tag, a `<<` string is an ordinary string and gets quoted like the others.
  const customTags = (tags: Tags) => tags.filter((t) => typeof t === "string" || t.tag !== "tag:yaml.org,2002:merge");
  const doc = new Document(opts.keepOrder ? structuredClone(data) : canonical(data), {
    version: "1.1",
    customTags,
    aliasDuplicateObjects: false,
  });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && !node.value.includes("\n") && needsQuotes(node.value, quotes))
        node.type = "QUOTE_DOUBLE";
    },
  });
  if (comment)
    doc.commentBefore = comment
      .split("\n")
      .map((l) => ` ${l}`)
      .join("\n");
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

/** Reads one rendered document back the way Go's YAML 1.1 parser would. */
export function fromYaml(text: string): unknown {
  return parse(text, { version: "1.1" });
}

/** Every document of a multi-document stream (kustomize output), empty documents dropped. */
export function allDocuments(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw d.errors[0];
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}
