// What a user would pick instead for the GitOps half: cdk8s, given the same objects. One Chart per cluster, one
// ApiObject per object, App.synth() with one folder per chart and one file per resource (the layout the issue
// compares with). `node --require tsx/cjs bench/cdk8s-synth.ts <objects.json> <outdir>`; the JSON is { stack: manifest[] }.
import { ApiObject, App, Chart, YamlOutputType } from "cdk8s";
import * as fs from "fs";

const [input, outdir] = process.argv.slice(2);
if (input === undefined || outdir === undefined) {
  console.error("usage: cdk8s-synth.ts <objects.json> <outdir>");
  process.exit(2);
}
const clusters = JSON.parse(fs.readFileSync(input, "utf8")) as Record<
  string,
  { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[]
>;
const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
for (const [stack, objects] of Object.entries(clusters)) {
  const chart = new Chart(app, stack, { disableResourceNameHashes: true });
  for (const o of objects) {
    const { apiVersion, kind, metadata, ...rest } = o;
    new ApiObject(chart, `${kind}-${metadata.namespace ?? "cluster"}-${metadata.name}`, {
      apiVersion,
      kind,
      metadata,
      ...rest,
    });
  }
}
app.synth();
