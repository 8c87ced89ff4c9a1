// The program started the way Pulumi's Node language host starts it, against mocks, to the last registration.
// `node <nodeargs> program-start.js <projectRoot> <stack>`, with the environment and Node arguments that
// `languageHostLaunch` (bench/language-host.ts) derives from Pulumi.yaml, and PULUMI_CONFIG set (the env var the SDK
// reads config from, @pulumi/pulumi runtime/config.js configEnvKey). What follows mirrors @pulumi/pulumi
// cmd/run/run.js (3.270.0): ts-node is registered only when PULUMI_NODEJS_TYPESCRIPT is "true" (lines 234 and
// 280-361, the CommonJS branch: no "type": "module"), and the entry point is package.json's `exports` or `main`
// when Pulumi.yaml names none (lines 250-275). The bench transpiles this file to plain JS first, so nothing but
// run.js's own registration loads ts-node.
import * as fs from "fs";
import * as path from "path";

const [root, stack] = process.argv.slice(2);
process.chdir(root);

let transpileOnly: boolean | undefined;
if (process.env.PULUMI_NODEJS_TYPESCRIPT === "true") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsutils = require("@pulumi/pulumi/tsutils") as {
    loadTypeScriptCompilerOptions(p: string): Record<string, unknown>;
    typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
  };
  const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  const envFlag = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
  transpileOnly = envFlag ? envFlag === "true" : (compilerOptions.noCheck as boolean | undefined);
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly,
    project: tsConfigPath,
    skipProject: !fs.existsSync(tsConfigPath),
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
  });
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, string>;
// What the stack's own cluster shows the program's read-only identity check (components/mesh-cluster.ts).
const cluster: Record<string, Record<string, unknown>> = {
  "kubernetes:apps/v1:Deployment|istio-system/istiod": {
    metadata: { name: "istiod", namespace: "istio-system" },
    spec: { template: { spec: { containers: [{ name: "discovery", env: [{ name: "CLUSTER_ID", value: config["mesh-lab:clusterName"] }] }] } } },
  },
  "kubernetes:core/v1:Namespace|istio-system": { metadata: { name: "istio-system", labels: { "topology.istio.io/network": config["mesh-lab:network"] } } },
};
let registrations = 0;
pulumi.runtime.setMocks(
  {
    newResource(args) {
      if (args.id && cluster[`${args.type}|${args.id}`]) return { id: args.id, state: cluster[`${args.type}|${args.id}`] };
      registrations++;
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call(args) {
      throw new Error(`unexpected invoke ${args.token}`);
    },
  },
  "mesh-lab",
  stack,
  false,
);
process.on("unhandledRejection", (e) => {
  console.error(e);
  process.exit(3);
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
// run.js with no `main` in Pulumi.yaml: package.json `exports` (a string), else `main`, else the directory.
// BENCH_ENTRY stands for a Pulumi.yaml `main` (the bench's row for Pulumi's defaults names index.ts).
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { main?: string; exports?: unknown };
const entry = process.env.BENCH_ENTRY ?? (typeof pkg.exports === "string" ? pkg.exports : (pkg.main ?? "."));
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.resolve(root, entry));
waitForRPCs().then(() => {
  if (registrations === 0) throw new Error("the program registered nothing");
  console.log(`${stack}: ${registrations} registrations, typescript=${process.env.PULUMI_NODEJS_TYPESCRIPT === "true"}, transpileOnly=${String(transpileOnly)}`);
});
