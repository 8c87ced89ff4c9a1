import { Document, parse, parseAllDocuments, Tags, visit } from "yaml";
import { goReadsAsNumber } from "../config/go-yaml";

/** Keys written first, in this order, wherever they occur; every other key follows alphabetically. */
const FIRST = ["apiVersion", "kind", "metadata", "name", "namespace"];

function compareKeys(a: string, b: string): number {
  const ia = FIRST.indexOf(a);
  const ib = FIRST.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? FIRST.length : ia) - (ib < 0 ? FIRST.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

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
 * needsQuotes answers by string, for one render: a fleet writes the same strings thousands of times, and each
 * answer costs two YAML parses. Per render, not per process: a cache that outlives a call would also keep
 * answers across Stryker's mutant runs, which run in one process, and hide the mutants (docs/testing.md).
 */
export type QuoteCache = Map<string, boolean>;

/**
 * Most strings a render writes are words (names, labels, API groups), answered without parsing: one that starts
 * with a letter and holds only letters, digits, `_`, `.`, `/` and `-` reads back as itself under YAML 1.1 and 1.2
 * unless it is a YAML 1.1 boolean or null. Numbers, timestamps, `.inf` and `~` start otherwise; `:`, `#` and
 * spaces are not in it. A bare exponent (`e1`, `E-5`) is left to the parses: the yaml package's YAML 1.1 float
 * allows it (yaml-1.1/float.js). tests/render-yaml.test.ts checks this against the two parses on generated words.
 */
const WORD = /^(?![eE]-?[0-9]+$)[A-Za-z][A-Za-z0-9_./-]*$/;
const NOT_STRINGS = new Set([
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
  "null",
  "Null",
  "NULL",
]);

/**
 * True when `s`, written as a plain scalar, would not read back as that string under YAML 1.1 (Go's
 * gopkg.in/yaml.v2, kubectl) or YAML 1.2 (yaml.v3, kustomize): `yes`, `on`, `y`, `~`, `2024-01-01`, `0o12`,
 * `1e3`, `1:20`, `<<`, leading spaces, and what only Go's yaml.v3 reads as a number (`-0o17`, `0_1`)... Such
 * strings are double-quoted.
 */
export function needsQuotes(s: string, cache: QuoteCache = new Map()): boolean {
  if (WORD.test(s)) return NOT_STRINGS.has(s);
  let cached = cache.get(s);
  if (cached === undefined) {
    cached =
      s === "<<" ||
      goReadsAsNumber(s) ||
      ["1.1", "1.2"].some((version) => {
        try {
          return parse(s, { version: version as "1.1" | "1.2", logLevel: "silent" }) !== s;
        } catch {
          return true;
        }
      });
    cache.set(s, cached);
  }
  return cached;
}

/**
 * YAML for one document: keys in canonical order (or as given, with `keepOrder`, for files whose conventional
 * order is not alphabetical), no anchors or aliases, no line folding, and every string that a YAML 1.1 or 1.2
 * parser would read as something else quoted. `comment` goes on top as `# ` lines.
 */
export function toYaml(
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
