// npm run update:fixtures: renders the sample project's tree (tests/fixtures/sample/gitops, the tests' snapshot of
// whole output) and rewrites tests/resource-list/<stack>.txt from what the program registers for the sample now.
// Run it only on purpose, and read the diff: a removed or renamed line of a resource list is a resource Pulumi
// would delete (or replace) in every cluster that has it. Rename with `aliases`.
import * as fs from "fs";
import { main } from "../render/cli";
import { listDifferences, readResourceList, resourceList, resourceListFile } from "./support/resource-list";
import { run, SAMPLE, STACKS, stackSettings } from "./support/stacks";

(async () => {
  const code = await main([], { root: SAMPLE, cwd: SAMPLE });
  if (code !== 0) process.exit(code);
  for (const stack of STACKS) {
    const current = resourceList(await run(stackSettings(stack)));
    const changes = listDifferences(readResourceList(stack), current);
    fs.writeFileSync(resourceListFile(stack), current);
    console.log(`${stack}: ${changes.length === 0 ? "unchanged" : `\n  ${changes.join("\n  ")}`}`);
  }
})().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
