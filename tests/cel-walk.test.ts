import * as assert from "assert";
import { celEnvironment } from "../envoy-cel/environment";
import { CelNode, children, findUnknownAttribute, isNode, literalConversions, preorder } from "../envoy-cel/walk";

const ast = (expr: string) => celEnvironment().parse(expr).ast as unknown as CelNode;

describe("envoy-cel/walk: what counts as a node", () => {
  it("is an object with a string op and a range, and nothing else", () => {
    const node = ast("request.size");
    const cases: [unknown, boolean][] = [
      [node, true],
      [{ op: "id", range: { start: 0, end: 1 } }, true],
      [{ op: "id" }, false],
      [{ op: 1, range: { start: 0, end: 1 } }, false],
      [{ range: { start: 0, end: 1 } }, false],
      [null, false],
      [undefined, false],
      ["request", false],
    ];
    assert.deepStrictEqual(
      cases.map(([x]) => isNode(x)),
      cases.map(([, want]) => want),
    );
  });

  it("visits parents before children, through a single child, a list of children and call arguments", () => {
    const ops = (expr: string) => [...preorder(ast(expr))].map((n) => n.op);
    assert.deepStrictEqual(ops("-request.size"), ["-_", ".", "id"]);
    assert.deepStrictEqual(ops("{'a': request.size}"), ["map", "value", ".", "id"]);
    assert.deepStrictEqual(ops("request.path.size()"), ["rcall", ".", "id"]);
  });

  it("keeps only the nodes of a nested list", () => {
    const leaf = ast("request");
    const parent = { op: "list", args: [[leaf, "not a node", 7]], range: { start: 0, end: 1 } };
    assert.deepStrictEqual(children(parent), [leaf]);
  });
});

describe("envoy-cel/walk: the first unknown attribute", () => {
  const found = (expr: string) => {
    const u = findUnknownAttribute(ast(expr));
    return u && { path: u.path, parent: u.parent.path, start: u.start, end: u.end };
  };

  it("follows . and ['name'] selections from an attribute root, and stops at the first unknown name", () => {
    assert.deepStrictEqual(found("request.durration.x"), {
      path: "request.durration",
      parent: "request",
      start: 0,
      end: 17,
    });
    assert.deepStrictEqual(found("has(request['durration'])"), {
      path: "request.durration",
      parent: "request",
      start: 4,
      end: 24,
    });
    assert.deepStrictEqual(found("filter_state.downstream_peer.nam"), {
      path: "filter_state.downstream_peer.nam",
      parent: "filter_state.downstream_peer",
      start: 0,
      end: 32,
    });
  });

  it("reads no names past a map or a scalar, and none under an unknown root", () => {
    assert.strictEqual(found("request.headers.durration"), undefined);
    assert.strictEqual(found("source.address.x"), undefined);
    assert.strictEqual(found("xyz.abc"), undefined);
    assert.strictEqual(found("has(request.duration)"), undefined);
  });

  it("takes only a field selection or a string-literal index as a step, rooted at a variable", () => {
    assert.strictEqual(found("request[durration]"), undefined, "an index by a variable is no field name");
    assert.strictEqual(found("'request'.durration"), undefined, "a string literal is no attribute root");
    assert.strictEqual(found("(request == 'durration').x"), undefined, "a comparison is no selection");
  });
});

describe("envoy-cel/walk: conversions of a literal", () => {
  const spans = (expr: string) => literalConversions(ast(expr)).map((n) => [n.range.start, n.range.end]);

  it("finds duration('...') and timestamp('...') calls on one string literal", () => {
    assert.deepStrictEqual(spans("duration('1s') + duration('2s')"), [
      [0, 14],
      [17, 31],
    ]);
    assert.deepStrictEqual(spans("timestamp('x')"), [[0, 14]]);
  });

  it("skips calls with other arguments, or none, and method calls", () => {
    for (const expr of [
      "duration('1s', 'x')",
      "duration()",
      "duration(x)",
      "duration(1)",
      "x.duration('1s')",
      "string('1s')",
    ]) {
      assert.deepStrictEqual(spans(expr), [], expr);
    }
  });
});
