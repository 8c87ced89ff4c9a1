import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../render/cli";
import { readTree, replaceable, writeTreeAtomically } from "../render/tree-writer";
import { ROOT } from "./support/stacks";
import { snapshot, tempProject } from "./support/render-project";

describe("render: atomic tree writes", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-write-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const leftovers = () => fs.readdirSync(dir).filter((f) => f.startsWith(".render-tmp-"));

  it("replaces the whole tree: new files written, stale ones gone", () => {
    const out = path.join(dir, "tree");
    writeTreeAtomically(out, new Map([["a/x.yaml", "x\n"], ["b.yaml", "b\n"]]));
    writeTreeAtomically(out, new Map([["a/y.yaml", "y\n"]]));
    assert.deepStrictEqual(readTree(out), new Map([["a/y.yaml", "y\n"]]));
    assert.deepStrictEqual(leftovers(), []);
  });

  it("leaves the old tree as it was when writing fails before the swap", () => {
    // given a tree on disk
    const out = path.join(dir, "tree");
    writeTreeAtomically(out, new Map([["keep.yaml", "old\n"]]));
    // when the next write fails once the new tree is half or fully staged
    assert.throws(
      () => writeTreeAtomically(out, new Map([["keep.yaml", "new\n"], ["more.yaml", "m\n"]]), { beforeSwap: () => { throw new Error("disk full"); } }),
      /disk full/,
    );
    // then the old tree is intact and nothing temporary is left
    assert.deepStrictEqual(readTree(out), new Map([["keep.yaml", "old\n"]]));
    assert.deepStrictEqual(leftovers(), []);
  });

  it("a failed render exits 3 and leaves gitops/ untouched", async () => {
    const project = tempProject({}, { gitops: true });
    try {
      const before = snapshot(path.join(project, "gitops"));
      let stderr = "";
      const code = await main([], { root: project, stderr: (t) => void (stderr += t), hooks: { beforeSwap: () => { throw new Error("disk full"); } } });
      assert.strictEqual(code, 3);
      assert.match(stderr, /^render: failed, nothing written: Error: disk full/);
      assert.deepStrictEqual(snapshot(path.join(project, "gitops")), before);
      assert.deepStrictEqual(fs.readdirSync(project).filter((f) => f.startsWith(".render-tmp-")), []);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("replaces only an empty directory or a tree it wrote", () => {
    assert.strictEqual(replaceable(path.join(dir, "missing")), true);
    assert.strictEqual(replaceable(dir), true);
    assert.strictEqual(replaceable(path.join(ROOT, "gitops")), true);
    assert.strictEqual(replaceable(ROOT), false);
    fs.writeFileSync(path.join(dir, "README.md"), "# mine\n");
    assert.strictEqual(replaceable(dir), false);
  });
});
