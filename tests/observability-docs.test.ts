import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { meshMap } from "../plan/observability/mesh-map";
import { observed } from "./support/observability";

const DOC = path.resolve(__dirname, "..", "docs", "observability.md");

describe("observability: docs/observability.md", () => {
  const doc = fs.readFileSync(DOC, "utf8");

  it("shows the mesh map the code draws for the default stack, so the two cannot drift", () => {
    const block = /<!-- mesh-map:cluster-1 -->\n```mermaid\n([\s\S]*?)```/.exec(doc);
    assert.ok(block, "a mermaid block after <!-- mesh-map:cluster-1 -->");
    assert.equal(block[1], meshMap(observed("cluster-1")));
  });

  it("shows the refusal of a low objective with the text the reader gives", () => {
    assert.ok(
      doc.includes(
        'key "mesh-lab:observability.slo.availability" is 90; expected a percentage above 93.0556 and below 100: at 90 the 14.4x page threshold needs an error ratio of 144%, which cannot happen',
      ),
    );
  });
});
