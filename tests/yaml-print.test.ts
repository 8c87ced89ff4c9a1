import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { findKubectl } from "../render/kubectl";
import { readBuild } from "../render/kustomize-build";
import { allDocuments, documentYaml, toYaml } from "../render/yaml";
import { goKeyOrder, KustomizePrinter, printFile } from "../render/yaml-print";

// render/yaml-print.ts prints the render's files and recognises kustomize's output without the yaml package's
// document; these tests hold it to the yaml package (the files), to the parser (what a recognised document means)
// and to the real kubectl kustomize (what kustomize prints).

/** Strings of the kinds objects hold: words, numbers and booleans as strings, ones that need quotes, sentences
 * long enough to be broken. */
const TRICKY = ["yes", "on", "n", "~", "null", "", "8080", "1.5", "0o12", "1:20", "2024-01-01", "<<", "a: b", "x #y"];
const word = fc.stringMatching(/^[a-z][a-z0-9._/-]{0,12}$/);
const sentence = fc
  .array(fc.oneof(word, fc.constantFrom("'q'", '"dq"', "--max-time", "3", "||", "=", "?")), {
    minLength: 1,
    maxLength: 30,
  })
  .map((ws) => ws.join(" "));
const text = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 2, arbitrary: sentence },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY) },
);
// Integer-like keys JavaScript orders first, and the keys the render writes first.
const ordered = fc.constantFrom("0", "9", "10", "8080", "apiVersion", "kind", "metadata", "name", "namespace");
const key = fc.oneof(word, fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,6}$/), fc.constantFrom("yes", "n"), ordered);
/** Data of maps and lists over `scalar`. */
const tree = (scalar: fc.Arbitrary<unknown>) =>
  fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
    list: fc.array(tie("node"), { maxLength: 4 }),
    map: fc.dictionary(key, tie("node"), { maxKeys: 5 }),
  })).node;
/** The shapes objects have: strings of those kinds, integers, booleans, null. */
const shaped = tree(fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)));
/** Anything JSON holds, any string and fractions too (what the printers leave to the yaml package). */
const any = tree(fc.oneof(text, fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true })));
const object = fc.oneof(
  fc.dictionary(key, shaped, { minKeys: 1, maxKeys: 6 }),
  fc.dictionary(key, any, { minKeys: 1, maxKeys: 6 }),
);

describe("render: YAML printed without the yaml package's document", () => {
  it("writes a file exactly as the yaml package does, wherever it covers the data", () => {
    let covered = 0;
    fc.assert(
      fc.property(
        object,
        fc.boolean(),
        fc.option(fc.constantFrom("one line", "two\nlines", "gap\n\nhere")),
        (o, keepOrder, comment) => {
          const printed = printFile(o, comment ?? undefined, { keepOrder, quotes: new Map() });
          if (printed === undefined) return;
          covered++;
          assert.strictEqual(printed, documentYaml(o, comment ?? undefined, { keepOrder }));
        },
      ),
      { numRuns: 400 },
    );
    assert.ok(covered > 150, `only ${covered} of 400 generated objects were printed directly`);
  });

  it("leaves to the yaml package what it does not cover, so toYaml writes every file", () => {
    const uncovered = [
      { a: "two\nlines" },
      { a: "café" },
      { a: 1.5 },
      { a: "`x" },
      { a: ["---x"] },
      { a: new Date(0) },
      { a: -0 },
      { ["k".repeat(129)]: 1 },
      {},
    ];
    for (const data of uncovered) {
      assert.strictEqual(printFile(data, undefined, { quotes: new Map() }), undefined, JSON.stringify(data));
      assert.strictEqual(toYaml(data), documentYaml(data));
    }
  });

  it("breaks a long plain string at each single space past column 80, as kubectl kustomize v5.5.0 printed it", () => {
    const printer = new KustomizePrinter();
    // The space after the x's at column 81, 80 and 79 (a line of 81, 80 and 79 characters before it).
    assert.strictEqual(printer.text({ k: `${"x".repeat(78)} ab cd` }), `k: ${"x".repeat(78)}\n  ab cd\n`);
    assert.strictEqual(printer.text({ k: `${"x".repeat(77)} ab cd` }), `k: ${"x".repeat(77)} ab\n  cd\n`);
    assert.strictEqual(printer.text({ k: `${"x".repeat(76)} ab cd ef` }), `k: ${"x".repeat(76)} ab\n  cd ef\n`);
  });

  it("leaves to the parser a long double-quoted string, which Go breaks with an escape", () => {
    // A YAML 1.1 timestamp may hold spaces; Go double-quotes it.
    const printer = new KustomizePrinter();
    assert.strictEqual(printer.text({ [`k${"k".repeat(70)}`]: "2001-12-14 21:59:43.10 -5" }), undefined);
    assert.strictEqual(printer.text({ k: "2001-12-14 21:59:43.10 -5" }), 'k: "2001-12-14 21:59:43.10 -5"\n');
  });

  it("leaves out members set to undefined, as the yaml package does", () => {
    const data = { a: { b: undefined }, c: 1, d: undefined, e: [{ f: undefined, g: "h" }] };
    assert.strictEqual(printFile(data, undefined, { quotes: new Map() }), "a: {}\nc: 1\ne:\n  - g: h\n");
    assert.strictEqual(documentYaml(data), "a: {}\nc: 1\ne:\n  - g: h\n");
  });

  it("prints only what reads back, with the render's parser, as the object itself", () => {
    const printer = new KustomizePrinter();
    let covered = 0;
    fc.assert(
      fc.property(object, (o) => {
        const printed = printer.text(o);
        if (printed === undefined) return;
        covered++;
        assert.deepStrictEqual(allDocuments(printed), [JSON.parse(JSON.stringify(o))]);
      }),
      { numRuns: 400 },
    );
    assert.ok(covered > 150, `only ${covered} of 400 generated objects were printed`);
  });

  it("orders keys as Go's encoder does: runs of digits by value, a non-letter before a letter", () => {
    // The order kubectl kustomize (v5.5.0) printed these keys in. (Go's order is not transitive for some mixes,
    // `a1b` < `a01` < `a11` < `a1b`, where its sort algorithm decides; such a document is parsed.)
    const keys = ["a10", "a9", "B", "a", "a-1", "a_1", "a.1", "1a", "a1-", "a01", "a001", "_x", "Z", "a0", "a100"];
    keys.push("a11", "a020", "a20", "a2");
    const kustomized = ["_x", "1a", "B", "Z", "a", "a-1", "a.1", "a_1", "a0", "a1-", "a01", "a001", "a2", "a9"];
    kustomized.push("a10", "a11", "a20", "a020", "a100");
    assert.deepStrictEqual([...keys].sort(goKeyOrder), kustomized);
  });

  describe("reading kustomize's output", () => {
    const planned = { apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } };
    const printed = new Map([[new KustomizePrinter().text(planned)!, planned]]);

    it("takes a document printed exactly as planned for the planned object, and parses every other", () => {
      const other = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n";
      const docs = readBuild(`${other}---\n${printed.keys().next().value}`, printed);
      assert.strictEqual(docs.length, 2);
      assert.ok(docs.includes(planned), "the planned object itself");
      assert.ok(docs.some((d) => JSON.stringify(d) === JSON.stringify({ ...planned, metadata: { name: "b" } })));
      assert.deepStrictEqual(readBuild("", printed), []);
    });

    it("parses a document that differs from the planned text by one byte, and so sees what changed", () => {
      const changed = printed.keys().next().value!.replace("name: a", "name: ab");
      const [doc] = readBuild(changed, printed);
      assert.notStrictEqual(doc, planned);
      assert.deepStrictEqual(doc, { ...planned, metadata: { name: "ab" } });
    });
  });

  describe("with the real kubectl kustomize", function () {
    const kubectl = findKubectl();
    before(function () {
      if (!kubectl) {
        console.log("      SKIPPED (kustomize's printing): no kubectl on PATH or in $KUBECTL; install kubectl");
        this.skip();
      }
    });

    it("prints generated objects byte for byte as kustomize prints them", () => {
      // The shapes objects have: nested maps and lists of words, sentences (broken past column 80), integers,
      // booleans, strings Go quotes; keys Go orders by their digits.
      const objects = fc
        .sample(fc.tuple(fc.dictionary(key, shaped, { maxKeys: 6 }), fc.array(sentence, { maxLength: 3 })), {
          numRuns: 60,
          seed: 7,
        })
        .map(([spec, lines], i) => ({
          apiVersion: "example.com/v1",
          kind: "Thing",
          metadata: { name: `t${i}`, labels: { a10: "x", a9: "y", a_1: "z", "1a": "w", b: String(i) } },
          // As JSON reads it: fast-check's dictionaries have no prototype.
          spec: JSON.parse(JSON.stringify({ ...spec, lines })) as Record<string, unknown>,
        }));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-print-"));
      try {
        const files = objects.map((o, i) => {
          fs.writeFileSync(path.join(dir, `t${i}.yaml`), JSON.stringify(o));
          return `t${i}.yaml`;
        });
        fs.writeFileSync(path.join(dir, "kustomization.yaml"), JSON.stringify({ resources: files }));
        const out = execFileSync(kubectl!, ["kustomize", dir], { encoding: "utf8" });
        const byName = new Map(out.split(/^---\n/m).map((d) => [/^ {2}name: (t\d+)$/m.exec(d)![1], d]));
        // A document printed otherwise (a string Go writes plain that the yaml package's YAML 1.1 reads as a
        // number, such as `e18`) is read by the parser: the same object, at the parser's cost.
        const printer = new KustomizePrinter();
        const printed = new Map(objects.flatMap((o) => (printer.text(o) === undefined ? [] : [[printer.text(o)!, o]])));
        const same = objects.filter((o) => printer.text(o) === byName.get(o.metadata.name)).length;
        assert.ok(same >= 56, `only ${same} of ${objects.length} objects printed as kustomize prints them`);
        assert.deepStrictEqual(new Set(readBuild(out, printed)), new Set(objects));
        for (const o of objects) {
          const [doc] = readBuild(byName.get(o.metadata.name)!, printed);
          assert.deepStrictEqual(doc, o, o.metadata.name);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("breaks long strings exactly where kustomize does: past column 80, at single spaces", () => {
      // A space at every column from 70 to 95, after keys and list items of several indents; double spaces, and
      // single-quoted strings (`a: b` cannot be plain) whose quotes and doubled quotes count as columns.
      const strings = Array.from({ length: 26 }, (_, k) => `${"w".repeat(60 + k)} ab  cd e${" fg".repeat(12)}`);
      const quoted = strings.map((t, k) => `it's: ${t.slice(k)} 'x' end`);
      const objects = [strings, quoted].map((list, i) => ({
        apiVersion: "example.com/v1",
        kind: "Thing",
        metadata: { name: `long${i}` },
        spec: {
          k: list[0],
          keyed: Object.fromEntries(list.map((t, j) => [`key${"k".repeat(j)}`, t])),
          // Past column 80 already at the quote: Go breaks a single-quoted string at neither end.
          [`lead${"k".repeat(80)}`]: " leadingspace",
          [`trail${"k".repeat(80)}`]: "trailingspace ",
          list,
          nested: [{ item: list[5], more: [list[9]] }],
        },
      }));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-print-"));
      try {
        objects.forEach((o, i) => fs.writeFileSync(path.join(dir, `o${i}.yaml`), JSON.stringify(o)));
        fs.writeFileSync(path.join(dir, "kustomization.yaml"), JSON.stringify({ resources: ["o0.yaml", "o1.yaml"] }));
        const out = execFileSync(kubectl!, ["kustomize", dir], { encoding: "utf8" });
        const printer = new KustomizePrinter();
        assert.strictEqual(objects.map((o) => printer.text(o)).join("---\n"), out);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
