// Writes the schema's declarations into Pulumi.yaml (keeping every value and anything else already there) and
// docs/config.md, from config/schema.ts. tests/config-contract.test.ts fails when either is stale.
import * as fs from "fs";
import * as path from "path";
import { configReference, pulumiYaml } from "../config/contract-files";

const root = path.resolve(__dirname, "..");
// The project's Pulumi.yaml, and the tests' sample project's (tests/fixtures/sample), whose values are the sample.
for (const dir of [root, path.join(root, "tests", "fixtures", "sample")]) {
  const project = path.join(dir, "Pulumi.yaml");
  if (dir !== root && !fs.existsSync(project)) continue;
  fs.writeFileSync(project, pulumiYaml(fs.existsSync(project) ? fs.readFileSync(project, "utf8") : undefined));
}
fs.mkdirSync(path.join(root, "docs"), { recursive: true });
fs.writeFileSync(path.join(root, "docs", "config.md"), configReference());
console.log("wrote Pulumi.yaml and docs/config.md");
