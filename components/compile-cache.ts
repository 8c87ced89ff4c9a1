import * as nodeModule from "module";

// Node 22's on-disk V8 compile cache (module.enableCompileCache, in os.tmpdir() unless NODE_COMPILE_CACHE names a
// directory): every module loaded after this line, the Pulumi SDK's included, compiles from cache on later runs.
// Imported first by the entry points; a Node without the API just starts a little slower.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
