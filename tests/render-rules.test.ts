import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { partialWriteMessage, sharedLayerProblems } from "../render/cli-messages";
import { sortedTree } from "../render/files";
import { isBookkeeping, MANIFEST } from "../render/ownership";
import { LOCK_FILE, pidAlive, takeLock } from "../render/render-lock";
import { PartialWrite } from "../render/tree-writer";

// The render's messages and file rules that whole-render tests pass through without pinning down.
describe("render: messages, locks and bookkeeping names", () => {
  it("--stack: a build failure of another stack's units is told as the shared layers changing them, once per stack", () => {
    const problems = [
      "tenants/b/web lacks X",
      "tenants/a/web lacks Y",
      "b's units have Z",
      "clusters/b-2 does not build with kubectl kustomize: W",
      "elsewhere",
    ];
    assert.deepStrictEqual(sharedLayerProblems(problems, undefined, ["a", "b", "b-2"]), problems);
    const told = sharedLayerProblems(problems, "a", ["a", "b", "b-2"]);
    assert.deepStrictEqual(told.slice(0, 2), ["tenants/a/web lacks Y", "elsewhere"]);
    assert.strictEqual(told.length, 4);
    assert.match(
      told[2],
      /^--stack a would change b's units: .* \(tenants\/b\/web lacks X; b's units have Z\); render all stacks/,
    );
    assert.match(
      told[3],
      /^--stack a would change b-2's units: .* \(clusters\/b-2 does not build with kubectl kustomize: W\); render all stacks/,
    );
  });

  it("a failed write says what was written, what was not (five named, then a count), and that a re-run finishes", () => {
    const pending = ["p1", "p2", "p3", "p4", "p5", "p6", "p7"];
    assert.strictEqual(
      partialWriteMessage(new PartialWrite([], pending, new Error("EROFS")), "gitops"),
      "render: writing gitops/ failed: EROFS\n  nothing was written\n  not written: 7 (p1, p2, p3, p4, p5, ...)\n  Fix the cause (a read-only directory?) and run the render again: it finishes the tree.\n",
    );
    assert.match(
      partialWriteMessage(new PartialWrite(["w1"], [], new Error("x")), "out"),
      /\n {2}written before the failure: 1 \(w1\), each complete \(renamed into place\)\n {2}not written: none\n/,
    );
    assert.match(
      partialWriteMessage(new PartialWrite(["w1", "w2", "w3", "w4", "w5"], ["p1"], new Error("x")), "out"),
      /\n {2}written before the failure: 5 \(w1, w2, w3, w4, w5\), each complete/,
      "five are all named, with no ellipsis",
    );
  });

  it("knows a live pid from a dead one and from what is no pid at all", () => {
    assert.strictEqual(pidAlive(process.pid), true);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    assert.strictEqual(pidAlive(dead), false);
    for (const p of [0, -1, 1.5, Number.NaN]) assert.strictEqual(pidAlive(p), false, String(p));
  });

  it("takes the output directory's lock once, replaces a dead render's lock, and refuses a live one or a lock that is no file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-lock-"));
    const lock = path.join(dir, LOCK_FILE);
    try {
      const release = takeLock(dir, "out");
      assert.strictEqual(fs.readFileSync(lock, "utf8"), `${process.pid}\n`);
      assert.throws(() => takeLock(dir, "out"), {
        name: "Refusal",
        message: `another render (pid ${process.pid}) is writing out/ (it holds out/${LOCK_FILE}); wait for it to finish and run this one again`,
      });
      release();
      assert.strictEqual(fs.existsSync(lock), false);
      fs.writeFileSync(lock, "not a pid\n");
      takeLock(dir, "out")();
      fs.mkdirSync(lock);
      assert.throws(() => takeLock(dir, "out"), {
        name: "Refusal",
        message: `out/${LOCK_FILE} is not a regular file; refusing to follow or replace it`,
      });
      assert.throws(() => takeLock(path.join(dir, "missing"), "missing"), { code: "ENOENT" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts its own lock, temp and manifest files as bookkeeping, and nothing else", () => {
    for (const name of [MANIFEST, ".render.lock", ".render-tmp-x"]) assert.strictEqual(isBookkeeping(name), true, name);
    for (const name of ["render.yaml", "x.render", "kustomization.yaml"])
      assert.strictEqual(isBookkeeping(name), false, name);
  });

  it("sorts a tree by path in code unit order: upper case before lower case, '-' before '.' before '/'", () => {
    const tree = sortedTree(["a/b", "a.b", "B", "a-b", "a"].map((p) => [p, p] as const));
    assert.deepStrictEqual([...tree.keys()], ["B", "a", "a-b", "a.b", "a/b"]);
    assert.deepStrictEqual([...tree.values()], ["B", "a", "a-b", "a.b", "a/b"]);
  });
});
