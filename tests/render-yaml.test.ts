import * as assert from "assert";
import * as path from "path";
import { isAlias, parse, parseDocument, visit } from "yaml";
import fc from "fast-check";
import { needsQuotes } from "../render/needs-quotes";
import { canonical, toYaml } from "../render/yaml";
import { SAMPLE } from "./support/stacks";
import { snapshot } from "./support/render-project";

/** Strings a YAML 1.1 parser (Go's yaml.v2, kubectl) or a 1.2 parser (yaml.v3, kustomize) reads as something else. */
const TRICKY = [
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "Y",
  "N",
  "True",
  "FALSE",
  "~",
  "null",
  "Null",
  "",
  " lead",
  "trail ",
  "2024-01-01",
  "2001-12-14t21:59:43.10-05:00",
  "0o12",
  "012",
  "0x1F",
  "1_000",
  "1:20",
  "1e3",
  "1E3",
  ".inf",
  "-.Inf",
  ".NaN",
  "0b101",
  "+12",
  "1.",
  "8080",
  "1.0",
  "<<",
  "=",
  "a: b",
  "#c",
  "- x",
  "[x]",
  "{x}",
  "*x",
  "&x",
  "!x",
  "%x",
  "@x",
  "`x",
  "'x'",
  '"x"',
];

const readBack = (text: string, version: "1.1" | "1.2") => parse(text, { version });

describe("render: YAML output", () => {
  for (const s of TRICKY) {
    it(`keeps ${JSON.stringify(s)} a string for YAML 1.1 and 1.2 readers, as a value and as a key`, () => {
      const data = { value: s, list: [s], [s]: 1 };
      const text = toYaml(data);
      assert.deepStrictEqual(readBack(text, "1.1"), data);
      assert.deepStrictEqual(readBack(text, "1.2"), data);
    });
  }

  it("quotes the YAML 1.1 booleans and dates Go would read as bool and timestamp, and 1.2 octals", () => {
    assert.strictEqual(
      toYaml({ a: "yes", b: "on", c: "2024-01-01", d: "n", e: "0o12", f: "<<", g: "plain" }),
      'a: "yes"\nb: "on"\nc: "2024-01-01"\nd: "n"\ne: "0o12"\nf: "<<"\ng: plain\n',
    );
  });

  it("answers words without parsing exactly as the two parses would (every case of the YAML 1.1 booleans and nulls too)", () => {
    const parsesAsOther = (w: string) => (["1.1", "1.2"] as const).some((version) => parse(w, { version }) !== w);
    const cases = (w: string): string[] =>
      Array.from({ length: 1 << w.length }, (_, m) =>
        [...w].map((c, i) => (m & (1 << i) ? c.toUpperCase() : c)).join(""),
      );
    const special = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "infinity"].flatMap(
      cases,
    );
    for (const w of special) assert.strictEqual(needsQuotes(w), parsesAsOther(w), w);
    const letter = fc.constantFrom(..."aeinoflrsuyEINOFLRSUYxZ");
    const rest = fc.constantFrom(..."aeinoflrsuyEINOFLRSUY019_./-");
    const word = fc.tuple(letter, fc.array(rest, { maxLength: 7 })).map(([a, b]) => a + b.join(""));
    fc.assert(
      fc.property(word, (w) => needsQuotes(w) === parsesAsOther(w)),
      { numRuns: 2000, seed: 20261124 },
    );
  });

  it("writes the same bytes whatever order the keys were built in, apiVersion, kind, metadata and name first", () => {
    const a = {
      spec: { z: 1, a: [{ image: "i", name: "c" }] },
      metadata: { labels: { b: "1", a: "2" }, namespace: "ns", name: "x" },
      kind: "K",
      apiVersion: "v1",
    };
    const b = {
      apiVersion: "v1",
      kind: "K",
      metadata: { name: "x", namespace: "ns", labels: { a: "2", b: "1" } },
      spec: { a: [{ name: "c", image: "i" }], z: 1 },
    };
    assert.strictEqual(toYaml(a), toYaml(b));
    assert.strictEqual(
      toYaml(a),
      'apiVersion: v1\nkind: K\nmetadata:\n  name: x\n  namespace: ns\n  labels:\n    a: "2"\n    b: "1"\nspec:\n  a:\n    - name: c\n      image: i\n  z: 1\n',
    );
  });

  it("writes no anchors or aliases, even for data that shares objects", () => {
    const shared = { cpu: "10m" };
    const text = toYaml({ requests: shared, limits: shared });
    assert.strictEqual(text, "limits:\n  cpu: 10m\nrequests:\n  cpu: 10m\n");
  });

  it("does not fold long lines", () => {
    const long = `while true; do ${"curl http://x/ || true; ".repeat(10)}done`;
    assert.strictEqual(toYaml({ c: long }), `c: ${long}\n`);
  });

  it("drops undefined members and keeps lists in order", () => {
    assert.deepStrictEqual(canonical({ b: undefined, a: [3, 1, 2] }), { a: [3, 1, 2] });
  });

  describe("the committed gitops/ tree", () => {
    const files = [...snapshot(path.join(SAMPLE, "gitops"))].filter(([p]) => p.endsWith(".yaml"));

    it("has YAML files to check", () => assert.ok(files.length > 10));

    for (const [file, text] of files) {
      it(`${file} reads the same under YAML 1.1 and 1.2, with no anchors, aliases or tags`, () => {
        assert.deepStrictEqual(readBack(text, "1.1"), readBack(text, "1.2"));
        const doc = parseDocument(text, { version: "1.1" });
        assert.deepStrictEqual([doc.errors, doc.warnings], [[], []]);
        visit(doc, {
          Node(_key, node) {
            assert.ok(!isAlias(node), `${file} has an alias`);
            assert.strictEqual((node as { anchor?: string }).anchor, undefined, `${file} has an anchor`);
            assert.strictEqual((node as { tag?: string }).tag, undefined, `${file} has an explicit tag`);
          },
        });
        assert.strictEqual(
          toYaml(readBack(text, "1.1"), undefined, { keepOrder: true }).trim(),
          text.replace(/^#.*\n/gm, "").trim(),
        );
      });
    }
  });
});
