// Rewrites tests/resource-list/<stack>.txt from what the program registers now. Run it only on purpose: a
// removed or renamed line is a resource Pulumi will delete (or replace) in that cluster. Rename with `aliases`.
import * as fs from "fs";
import { listStacks } from "../config/project-files";
import { listDifferences, readResourceList, resourceList, resourceListFile } from "./support/resource-list";
import { ROOT, run, stackSettings } from "./support/stacks";

(async () => {
  for (const stack of listStacks(ROOT)) {
    const current = resourceList(await run(stackSettings(stack)));
    const changes = listDifferences(readResourceList(stack), current);
    fs.writeFileSync(resourceListFile(stack), current);
    console.log(`${stack}: ${changes.length === 0 ? "unchanged" : `\n  ${changes.join("\n  ")}`}`);
  }
})().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
