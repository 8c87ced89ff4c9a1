// Writes Pulumi.yaml and docs/config.md from the config schema (config/schema.ts). tests/config-contract.test.ts
// fails when either is stale.
import * as fs from "fs";
import * as path from "path";
import { configReference, pulumiYaml } from "../config/contract-files";

const root = path.resolve(__dirname, "..");
fs.writeFileSync(path.join(root, "Pulumi.yaml"), pulumiYaml());
fs.mkdirSync(path.join(root, "docs"), { recursive: true });
fs.writeFileSync(path.join(root, "docs", "config.md"), configReference());
console.log("wrote Pulumi.yaml and docs/config.md");
