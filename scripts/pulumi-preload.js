// Pulumi.yaml's runtime option `nodeargs: --require ./scripts/pulumi-preload.js`: Node runs this before the SDK's
// cmd/run/run.js loads anything (the language host puts nodeargs before run.js and starts Node in the project
// directory, docs/performance.md). It turns on Node 22's on-disk compile cache, so from the second `pulumi up` on
// the SDK and the program compile from the cache instead of from source. A Node without the API starts as before.
require("node:module").enableCompileCache?.();
