// `node tests/support/pulumi-start.js <projectRoot> <stack>`: the program started as `pulumi up` starts it, but
// against Pulumi mocks, up to its last registration. Plain JavaScript, so that the only TypeScript loader is the
// one Pulumi's run.js registers. What it copies from @pulumi/pulumi `cmd/run/run.js` (3.270.0):
// - ts-node is registered when PULUMI_NODEJS_TYPESCRIPT is "true", which the language host sets unless Pulumi.yaml
//   says `typescript: false` (lines 234 and 279-361, the CommonJS branch: package.json has no "type": "module");
// - `transpileOnly` is PULUMI_NODEJS_TRANSPILE_ONLY when set, else tsconfig's `noCheck` (lines 287-298);
// - with no `main` in Pulumi.yaml, the entry point is package.json's `main` (lines 253-275).
// The stack's config comes from PULUMI_CONFIG, the variable the SDK reads it from (runtime/config.js).
"use strict";
const fs = require("fs");
const path = require("path");

const [given, stack] = process.argv.slice(2);
const root = path.resolve(given);
process.chdir(root);

let transpileOnly;
if (process.env.PULUMI_NODEJS_TYPESCRIPT === "true") {
  const tsutils = require("@pulumi/pulumi/tsutils");
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
  const flag = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
  transpileOnly = flag ? flag === "true" : compilerOptions.noCheck;
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly,
    project: "tsconfig.json",
    skipProject: !fs.existsSync("tsconfig.json"),
    compilerOptions: {
      target: "ES2020",
      module: "nodenext",
      moduleResolution: "nodenext",
      sourceMap: "true",
      ...compilerOptions,
    },
  });
}

const pulumi = require("@pulumi/pulumi");
const config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}");
// What the stack's own cluster shows the program's read-only identity check (components/cluster-identity.ts).
const cluster = {
  "kubernetes:apps/v1:Deployment|istio-system/istiod": {
    metadata: { name: "istiod", namespace: "istio-system" },
    spec: {
      template: {
        spec: {
          containers: [{ name: "discovery", env: [{ name: "CLUSTER_ID", value: config["mesh-lab:clusterName"] }] }],
        },
      },
    },
  },
  "kubernetes:core/v1:Namespace|istio-system": {
    metadata: { name: "istio-system", labels: { "topology.istio.io/network": config["mesh-lab:network"] } },
  },
};
let registrations = 0;
pulumi.runtime.setMocks(
  {
    newResource(args) {
      const live = args.id && cluster[`${args.type}|${args.id}`];
      if (live) return { id: args.id, state: live };
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
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
require(path.resolve(root, pkg.main ?? "."));
waitForRPCs().then(() => {
  if (registrations === 0) throw new Error("the program registered nothing");
  console.log(
    `${stack}: ${registrations} registrations, typescript=${process.env.PULUMI_NODEJS_TYPESCRIPT === "true"}, transpileOnly=${String(transpileOnly)}`,
  );
});
