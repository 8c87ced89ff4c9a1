import * as assert from "assert";
import { ConfigProblems, Refusal, RenderError, UsageError } from "../render/errors";
import { diffTrees } from "../render/tree-diff";

// What the render's errors say about themselves (a stack trace starts with the name), and the diff --check prints.
describe("render: its errors and its diff", () => {
  it("names each error class and joins a list of problems one per line", () => {
    const errors = [new UsageError("u"), new ConfigProblems(["a", "b"]), new RenderError(["c", "d"]), new Refusal("r")];
    assert.deepStrictEqual(
      errors.map((e) => [e.name, e.message]),
      [
        ["UsageError", "u"],
        ["ConfigProblems", "a\nb"],
        ["RenderError", "c\nd"],
        ["Refusal", "r"],
      ],
    );
    assert.ok(new Refusal("r") instanceof UsageError, "a refusal exits 2 like bad usage");
  });

  it("lists changed paths in order, and writes git-style headers under the label without leading slashes", () => {
    const onDisk = new Map([
      ["b.yaml", "x: 1\n"],
      ["gone.yaml", "old\n"],
    ]);
    const rendered = new Map([
      ["b.yaml", "x: 2\n"],
      ["a.yaml", "new\n"],
    ]);
    const d = diffTrees(onDisk, rendered, "/tmp/out");
    assert.deepStrictEqual(d.changed, ["a.yaml", "b.yaml", "gone.yaml"]);
    assert.strictEqual(
      d.patch,
      [
        "--- /dev/null",
        "+++ b/tmp/out/a.yaml",
        "@@ -0,0 +1,1 @@",
        "+new",
        "--- a/tmp/out/b.yaml",
        "+++ b/tmp/out/b.yaml",
        "@@ -1,1 +1,1 @@",
        "-x: 1",
        "+x: 2",
        "--- a/tmp/out/gone.yaml",
        "+++ /dev/null",
        "@@ -1,1 +0,0 @@",
        "-old",
        "",
      ].join("\n"),
    );
    // a label inside the project (--out deep/out) keeps its slashes
    assert.match(diffTrees(onDisk, rendered, "deep/out").patch, /^\+\+\+ b\/deep\/out\/a\.yaml$/m);
  });

  it("is empty for equal trees", () => {
    const t = new Map([["a.yaml", "a\n"]]);
    assert.deepStrictEqual(diffTrees(t, new Map(t), "gitops"), { changed: [], patch: "" });
  });
});
