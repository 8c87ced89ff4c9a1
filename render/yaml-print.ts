import { parse } from "yaml";
import { needsQuotes, QuoteCache } from "./needs-quotes";

// YAML printed directly for the shapes Kubernetes objects have (maps, lists, one-line ASCII strings, integers,
// booleans, null), in two styles: the render's files, byte for byte as the yaml package writes them, and
// `kubectl kustomize`'s output, as Go's YAML encoder writes it. Either prints nothing for anything else (a
// multi-line or non-ASCII string, a fraction), which its caller then leaves to the yaml package. It is several times
// faster than building the yaml package's document for each of a large tree's files and objects
// (docs/performance.md).

/** Thrown inside a print for a value the style does not cover. */
class Uncovered extends Error {}

interface Style {
  /** The keys of a map, in the order they are printed. */
  readonly keys: (map: Record<string, unknown>) => string[];
  /** How far a list's `-` is indented past its key's. */
  readonly listIndent: number;
  /** A string, as printed (throws Uncovered). */
  readonly string: (s: string) => string;
  /** The column past which a long string is broken at a space; none: never. */
  readonly width?: number;
}

/** Printable ASCII: no line break, no character a style would escape or count otherwise. */
const ASCII_LINE = /^[\x20-\x7e]*$/;

/**
 * A one-line string the yaml package never writes plain, though the parser reads it back (yaml
 * `stringifyString.js` `plainString`): one that starts with an indicator or like a document marker. The rest of
 * that rule (`-`, `? x`, `a: b`, `a #b`, a trailing space or `:`) needsQuotes refuses already: those do not read
 * back. KustomizePrinter takes it for Go's rule too, which quotes such strings as well.
 */
const NOT_PLAIN = /^[ ,[\]{}#&*!|>'"%@`]|^---|^\.\.\./;

/** A document's lines: a map or a list with members (a scalar, `{}` or `[]` alone is not covered). */
function lines(value: unknown, style: Style): string[] {
  const out: string[] = [];
  if (inline(value, style) !== undefined) throw new Uncovered();
  if (Array.isArray(value)) list(value, 0, "", style, out);
  else map(value as Record<string, unknown>, 0, "", style, out);
  return out;
}

/** A plain object, as JSON holds one (not a Date, a Map or a class's instance). */
function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A scalar, `[]` or `{}`, as written after `key: ` or `- `; undefined for a list or map with members. */
function inline(value: unknown, style: Style): string | undefined {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw new Uncovered();
    return String(value);
  }
  if (typeof value === "string") {
    if (!ASCII_LINE.test(value)) throw new Uncovered();
    return style.string(value);
  }
  if (Array.isArray(value)) return value.length === 0 ? "[]" : undefined;
  // A member set to undefined is not written: a map of only those is empty.
  if (isMap(value)) return Object.values(value).every((v) => v === undefined) ? "{}" : undefined;
  throw new Uncovered();
}

/** A map's lines, its keys at column `col`, the first line starting with `first` (a list item's `- `). */
function map(value: Record<string, unknown>, col: number, first: string, style: Style, out: string[]): void {
  const pad = " ".repeat(col);
  let n = 0;
  for (const key of style.keys(value)) {
    const member = value[key];
    if (member === undefined) continue;
    // A long key is written `? key` by the yaml package past 1,024 characters, by Go past 128.
    if (key.length > 128) throw new Uncovered();
    const head = `${n++ === 0 ? first : pad}${inline(key, style)}:`;
    const text = inline(member, style);
    if (text !== undefined) scalar(`${head} `, text, col + 2, style, out);
    else if (Array.isArray(member)) {
      out.push(head);
      list(member, col + style.listIndent, " ".repeat(col + style.listIndent), style, out);
    } else {
      out.push(head);
      map(member as Record<string, unknown>, col + 2, " ".repeat(col + 2), style, out);
    }
  }
}

/** A list's lines, each `-` at column `col`, the first line starting with `first`. */
function list(value: readonly unknown[], col: number, first: string, style: Style, out: string[]): void {
  const pad = " ".repeat(col);
  for (const [n, item] of value.entries()) {
    const head = `${n === 0 ? first : pad}- `;
    const text = inline(item, style);
    if (text !== undefined) scalar(head, text, col + 2, style, out);
    else if (Array.isArray(item)) list(item, col + 2, head, style, out);
    else map(item as Record<string, unknown>, col + 2, head, style, out);
  }
}

/**
 * `head` then the scalar `text`. Past the style's width, a plain or single-quoted string is broken as Go's encoder
 * breaks it (go-yaml v2 `emitterc.go`, `yaml_emitter_write_plain_scalar` and `..._single_quoted_scalar`): at a
 * single space between two other characters, once the line is past the width, onto a line indented by `indent`.
 * A long double-quoted string Go breaks with a `\` escape: not covered.
 */
function scalar(head: string, text: string, indent: number, style: Style, out: string[]): void {
  const width = style.width;
  if (width === undefined || head.length + text.length <= width) {
    out.push(head + text);
    return;
  }
  if (text.startsWith('"')) throw new Uncovered();
  const quoted = text.startsWith("'");
  let line = head;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const inside = !quoted || (i > 1 && i < text.length - 2);
    if (c === " " && inside && text[i - 1] !== " " && text[i + 1] !== " " && line.length > width) {
      out.push(line);
      line = " ".repeat(indent);
    } else line += c;
  }
  out.push(line);
}

/**
 * The order of a map's keys in `canonical`'s copy: JavaScript keeps integer-like keys (`"9"`, `"10"`) first, in
 * numeric order, whatever order an object is built in; then the others, in the render's order.
 */
function canonicalOrder(a: string, b: string): number {
  const ia = isIndex(a);
  const ib = isIndex(b);
  if (ia && ib) return Number(a) - Number(b);
  if (ia || ib) return ia ? -1 : 1;
  return compareKeys(a, b);
}

/** An array index as a property key: JavaScript orders such keys first. */
const isIndex = (k: string) => /^(?:0|[1-9][0-9]*)$/.test(k) && Number(k) < 2 ** 32 - 1;

/** Keys written first, in this order, wherever they occur; every other key follows alphabetically. */
const FIRST = ["apiVersion", "kind", "metadata", "name", "namespace"];

/** The render's order of keys (render/yaml.ts `canonical`). */
export function compareKeys(a: string, b: string): number {
  const ia = FIRST.indexOf(a);
  const ib = FIRST.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? FIRST.length : ia) - (ib < 0 ? FIRST.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A rendered file's YAML as the yaml package writes it with render/yaml.ts `toYaml`'s options: keys in the render's
 * order (or as given, with `keepOrder`), lists indented under their key, strings that would not read back as
 * themselves double-quoted, `comment` on top as `# ` lines and a blank line. Undefined where that is not covered.
 */
export function printFile(
  data: unknown,
  comment: string | undefined,
  opts: { readonly keepOrder?: boolean; readonly quotes: QuoteCache },
): string | undefined {
  const style: Style = {
    keys: opts.keepOrder ? Object.keys : (m) => Object.keys(m).sort(canonicalOrder),
    listIndent: 2,
    string: (s) => {
      if (needsQuotes(s, opts.quotes)) return JSON.stringify(s);
      // The yaml package quotes it too, single or double depending on the quotes it holds: left to it.
      if (NOT_PLAIN.test(s)) throw new Uncovered();
      return s;
    },
  };
  try {
    const head = comment ? commentLines(comment) : "";
    return `${head}${lines(data, style).join("\n")}\n`;
  } catch (e) {
    if (e instanceof Uncovered) return undefined;
    throw e;
  }
}

/** `comment` as the yaml package writes a document's comment: `# ` lines (`#` for an empty one), a blank line. */
function commentLines(comment: string): string {
  if (!ASCII_LINE.test(comment.replaceAll("\n", ""))) throw new Uncovered();
  const text = comment.split("\n").map((l) => {
    if (l !== l.trim()) throw new Uncovered();
    return l === "" ? "#" : `# ${l}`;
  });
  return `${text.join("\n")}\n\n`;
}

/**
 * The order in which kustomize prints a map's keys: Go's YAML encoder sorts them (kustomize writes each object with
 * sigs.k8s.io/yaml `JSONToYAML`, which marshals with go-yaml v2; v2 `sorter.go` `keyList.Less`): letters by code, a
 * non-letter before a letter, and runs of digits by their value, so `a9` comes before `a10`. For printable ASCII
 * keys, which are all that KustomizePrinter prints. Go's order is not transitive for some mixes (`a1b`, `a01`,
 * `a11`), where its sort algorithm decides: a document whose keys kustomize printed otherwise is parsed.
 */
export function goKeyOrder(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xl = isLetter(x);
    const yl = isLetter(y);
    if (xl && yl) return x - y;
    if (xl || yl) return xl ? 1 : -1;
    // Two non-letters: the runs of digits from here, by value; Go counts a run from a zero after nonzero digits as
    // continuing them.
    let j = i;
    while (j > 0 && isDigit(a.charCodeAt(j - 1))) j--;
    const carried = (x === 48 || y === 48) && /[1-9]/.test(a.slice(j, i)) ? 1n : 0n;
    const [xn, xe] = digitsAt(a, i, carried);
    const [yn, ye] = digitsAt(b, i, carried);
    if (xn !== yn) return xn < yn ? -1 : 1;
    if (xe !== ye) return xe - ye;
    return x - y;
  }
  return a.length - b.length;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;

/** The value of the run of digits at `i` (counting from `start`), and where it ends. */
function digitsAt(s: string, i: number, start: bigint): [bigint, number] {
  let n = start;
  let j = i;
  for (; j < s.length && isDigit(s.charCodeAt(j)); j++) n = n * 10n + BigInt(s.charCodeAt(j) - 48);
  return [n, j];
}

/**
 * Whether Go's encoder double-quotes `s` rather than single-quoting it, as near as the yaml package can tell: Go
 * double-quotes a string it would read as a null, boolean, number or timestamp (go-yaml v2 `encode.go` `stringv`):
 * `""`, `"8080"`, `"yes"`, `"on"`, `"1:20"`. Where this guesses otherwise (Go writes `<<` and `e18` plain, and
 * single-quotes `&a`), kustomize's document is not recognised and is parsed.
 */
function goDoubleQuotes(s: string): boolean {
  if (s === "") return true;
  return (["1.1", "1.2"] as const).some((version) => {
    try {
      const v: unknown = parse(s, { version, logLevel: "silent" });
      return v === null || v instanceof Date || (typeof v !== "string" && typeof v !== "object");
    } catch {
      return false;
    }
  });
}

/**
 * Prints planned objects as `kubectl kustomize` prints them: kustomize writes each object with sigs.k8s.io/yaml
 * `JSONToYAML` (go-yaml v2) and a `---` line between them (kustomize `api/resource/resource.go` `AsYAML`,
 * `api/resmap/reswrangler.go` `AsYaml`):
 * keys in Go's order, a list's `-` at its key's column, a string Go would read as something else double-quoted
 * (`"8080"`, `"true"`), one that cannot be written plain single-quoted (`'a: b'`), long strings broken past column
 * 80. What it prints reads back, with the parser the render's check uses, as the object itself
 * (tests/yaml-print.test.ts), so a document kustomize printed exactly so is that object.
 */
export class KustomizePrinter {
  private readonly quotes: QuoteCache = new Map();
  private readonly strings = new Map<string, string>();
  private readonly style: Style = {
    keys: (m) => Object.keys(m).sort(goKeyOrder),
    listIndent: 0,
    string: (s) => {
      let printed = this.strings.get(s);
      if (printed === undefined) {
        if (!needsQuotes(s, this.quotes) && !NOT_PLAIN.test(s)) printed = s;
        else if (goDoubleQuotes(s)) printed = JSON.stringify(s);
        else printed = `'${s.replaceAll("'", "''")}'`;
        this.strings.set(s, printed);
      }
      return printed;
    },
    width: 80,
  };

  /** `manifest`'s document, without the `---` line kustomize writes between documents; undefined if not covered. */
  text(manifest: Record<string, unknown>): string | undefined {
    try {
      return `${lines(manifest, this.style).join("\n")}\n`;
    } catch (e) {
      if (e instanceof Uncovered) return undefined;
      throw e;
    }
  }
}
