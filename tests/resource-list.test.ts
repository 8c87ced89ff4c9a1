import * as assert from "assert";
import { listDifferences, readResourceList, resourceList } from "./support/resource-list";
import { runStack, STACKS } from "./support/stacks";

describe("the committed resource list (refactors cannot replace resources silently)", () => {
  for (const stack of STACKS) {
    it(`${stack}: registers exactly the resources in tests/resource-list/${stack}.txt`, async () => {
      const differences = listDifferences(readResourceList(stack), resourceList(await runStack(stack)));
      assert.deepStrictEqual(
        differences,
        [],
        `the program's resources differ from tests/resource-list/${stack}.txt ` +
          `(- would be deleted, + created; a rename is both, and replaces the object in the cluster):\n  ${differences.join("\n  ")}\n` +
          "Rename with `aliases`, then run `npm run update:fixtures` on purpose.",
      );
    });
  }

  it("reports a rename as one removal and one addition", () => {
    const before = "urn:a::x\nurn:b::y\n";
    const after = "urn:a::x\nurn:b::z\n";
    assert.deepStrictEqual(listDifferences(before, after), ["- urn:b::y", "+ urn:b::z"]);
  });
});
