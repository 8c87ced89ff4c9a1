import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Refusal } from "../render/errors";
import { inspect, MANIFEST, manifestText, ownedPaths, readManifest, strayFiles } from "../render/ownership";

// The rules that keep the render to its own files, called in-process (render-ownership.test.ts runs the CLI).
describe("render/ownership: what the render may touch in its output directory", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-owned-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  const refusal = (message: string) => (e: unknown) => e instanceof Refusal && e.message === message;

  it("writes the manifest sorted, each path once, under its header", () => {
    assert.match(
      manifestText(["b/x.yaml", "a.yaml", "b/x.yaml"]),
      /^# Files `npm run render` wrote here[^\n]*\na\.yaml\nb\/x\.yaml\n$/,
    );
  });

  it("reads a manifest's paths, skipping comments and blank lines; no manifest is undefined", () => {
    assert.strictEqual(readManifest(dir, "out"), undefined);
    write(MANIFEST, "# header\n\na.yaml\nb/c.yaml\n");
    assert.deepStrictEqual(readManifest(dir, "out"), new Set(["a.yaml", "b/c.yaml"]));
  });

  it("refuses a manifest that is not a regular file, and entries that leave the directory", () => {
    fs.mkdirSync(path.join(dir, MANIFEST));
    assert.throws(
      () => readManifest(dir, "out"),
      refusal(`out/${MANIFEST} is not a regular file (a symlink?); refusing to follow it`),
    );
    fs.rmdirSync(path.join(dir, MANIFEST));
    for (const bad of ["/etc/passwd", "a/../../b", "a//b", "./a", "a/."]) {
      write(MANIFEST, `${bad}\n`);
      assert.throws(
        () => readManifest(dir, "out"),
        refusal(
          `out/${MANIFEST} lists ${JSON.stringify(bad)}, which is not a path inside the directory; refusing to use it`,
        ),
        bad,
      );
    }
  });

  it("inspects a path without following symlinks, and refuses what is in the way", () => {
    assert.strictEqual(inspect(dir, "a/b.yaml", "out"), "missing");
    write("a/b.yaml", "x");
    assert.strictEqual(inspect(dir, "a/b.yaml", "out"), "file");
    fs.mkdirSync(path.join(dir, "a/c.yaml"));
    assert.throws(
      () => inspect(dir, "a/c.yaml", "out"),
      refusal("out/a/c.yaml is not a regular file, where the render writes one; refusing to replace it"),
    );
    write("f", "x");
    assert.throws(
      () => inspect(dir, "f/g.yaml", "out"),
      refusal("out/f is not a directory, where the render needs one; refusing to replace it"),
    );
    fs.symlinkSync(os.tmpdir(), path.join(dir, "link"));
    assert.throws(
      () => inspect(dir, "link/x.yaml", "out"),
      refusal(
        "out/link is a symlink; the render never follows symlinks inside its output (remove it, or render elsewhere)",
      ),
    );
  });

  it("owns what its manifest lists; refuses any other file where it would write, naming five", () => {
    assert.deepStrictEqual(ownedPaths(dir, ["new.yaml"], "out"), new Set());
    const foreign = ["marked.yaml", "f1", "f2", "f3", "f4", "f5", "f6"];
    for (const f of foreign) write(f, "user file\n");
    const listed = foreign
      .slice(0, 5)
      .map((f) => `out/${f}`)
      .join(", ");
    assert.throws(
      () => ownedPaths(dir, foreign, "out"),
      refusal(
        `${listed} and 2 more: a file the render did not write is where it would write one; refusing to overwrite it (move it, or render into another --out)`,
      ),
    );
    // exactly five: all named, none "more"
    assert.throws(
      () => ownedPaths(dir, foreign.slice(0, 5), "out"),
      refusal(
        `${listed}: a file the render did not write is where it would write one; refusing to overwrite it (move it, or render into another --out)`,
      ),
    );
    write(MANIFEST, "f1\n");
    assert.throws(
      () => ownedPaths(dir, ["f1", "marked.yaml"], "out"),
      refusal(
        "out/marked.yaml: a file the render did not write is where it would write one; refusing to overwrite it (move it, or render into another --out)",
      ),
    );
    assert.deepStrictEqual(ownedPaths(dir, ["f1", "new.yaml"], "out"), new Set(["f1"]));
  });

  it("reports as strays what sits beside its files, not a directory that holds its files further down", () => {
    for (const rel of ["a/x.yaml", "a/b/c/y.yaml", "a/s.yaml", "a/b/c/t.yaml", "a/.x.yaml.render-tmp-1", "top.yaml"])
      write(rel, "x\n");
    fs.mkdirSync(path.join(dir, "a", "e"));
    write(MANIFEST, "a/x.yaml\n");
    assert.deepStrictEqual(strayFiles(dir, ["a/x.yaml", "a/b/c/y.yaml", "README.md"]), [
      "a/b/c/t.yaml",
      "a/e/",
      "a/s.yaml",
    ]);
  });
});
