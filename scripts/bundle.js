// @ts-check
// A TypeScript entry of the project, loaded as one esbuild bundle kept on disk and built again only when one of
// its inputs changed. Plain JavaScript, so that loading it needs no TypeScript loader (scripts/render.js).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const url = require("url");

/** Bumped when the build options below change: old bundles then no longer match. */
const FORMAT = "mesh-lab bundle v4";

/**
 * The exports of `entry` (a path relative to `root`), from `cacheDir/<name>-<key>.js`. The key is a SHA-256 over
 * Node's and esbuild's versions, tsconfig.json and every input esbuild read for the last build (its metafile): the
 * content of each project file, and the path, size and modification time of each file under node_modules (an
 * `npm ci` rewrites them). A missing, stale or unreadable bundle is built again, written to a temp file and
 * renamed into place, so a concurrent run reads a whole bundle or none.
 * @param {string} root
 * @param {string} entry
 * @param {string} cacheDir
 * @returns {{ exports: Record<string, unknown>, built: boolean, file: string }}
 */
function requireBundled(root, entry, cacheDir) {
  const name = path.basename(entry, path.extname(entry));
  const indexFile = path.join(cacheDir, `${name}.json`);
  const index = readIndex(indexFile);
  if (index) {
    const key = inputsKey(root, index.inputs);
    const file = path.join(cacheDir, `${name}-${key}.js`);
    // "" is no key: an input is gone, so the bundle (even one filed under "") no longer says what the files say.
    if (key !== "" && key === index.key && fs.existsSync(file)) return { exports: require(file), built: false, file };
  }
  const file = build(root, entry, cacheDir, name, indexFile);
  return { exports: require(file), built: true, file };
}

/**
 * @param {string} file
 * @returns {{ key: string, inputs: string[] } | undefined}
 */
function readIndex(file) {
  try {
    const index = JSON.parse(fs.readFileSync(file, "utf8"));
    const ok = typeof index.key === "string" && Array.isArray(index.inputs) && index.inputs.every((/** @type {unknown} */ i) => typeof i === "string");
    return ok ? index : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The key of a bundle built from these inputs (paths relative to root), or "" when one of them is gone.
 * @param {string} root
 * @param {readonly string[]} inputs
 */
function inputsKey(root, inputs) {
  const h = crypto.createHash("sha256").update(`${FORMAT}\0${process.version}\0${esbuildVersion(root)}\0`);
  for (const rel of inputs) {
    const abs = path.resolve(root, rel);
    try {
      if (rel.split(/[\\/]/).includes("node_modules")) {
        const st = fs.statSync(abs);
        h.update(`${rel}\0${st.size}\0${st.mtimeMs}\0`);
      } else {
        const content = fs.readFileSync(abs);
        h.update(`${rel}\0${content.length}\0`).update(content);
      }
    } catch {
      return "";
    }
  }
  return h.digest("hex").slice(0, 32);
}

/** @param {string} root */
function esbuildVersion(root) {
  return JSON.parse(fs.readFileSync(path.join(root, "node_modules", "esbuild", "package.json"), "utf8")).version;
}

/**
 * Builds the bundle, writes it and its index, removes this entry's older bundles; returns the bundle's path.
 * @param {string} root
 * @param {string} entry
 * @param {string} cacheDir
 * @param {string} name
 * @param {string} indexFile
 */
function build(root, entry, cacheDir, name, indexFile) {
  const esbuild = require("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [path.join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    write: false,
    metafile: true,
    // The npm package, not Node's deprecated built-in module (DEP0040), for the URI format checks of the schemas.
    alias: { punycode: "punycode/" },
    // About a quarter smaller (3.45 MB to 2.55 MB), and a fifth quicker to load on every run. Names are kept, and
    // the source map beside the bundle leads a stack trace back to the .ts lines under --enable-source-maps.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "external",
    sourcesContent: false,
    outfile: path.join(cacheDir, `${name}.js`),
    logLevel: "silent",
  });
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
  const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"));
  if (!js || !map) throw new Error(`esbuild wrote no bundle or no source map for ${entry}`);
  // tsconfig.json is read by esbuild (paths, decorators) but not listed among the metafile's inputs.
  const inputs = [...new Set(["tsconfig.json", ...Object.keys(result.metafile.inputs)])].sort();
  const key = inputsKey(root, inputs);
  const file = path.join(cacheDir, `${name}-${key}.js`);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    writeBundle(file, js.text, map.text, cacheDir);
    writeAtomically(indexFile, `${JSON.stringify({ key, inputs })}\n`);
  } catch (e) {
    // A cache this user may not write (a read-only node_modules, another user's checkout): this run's bundle
    // goes to a temp directory of its own, removed on exit, and the next run builds again.
    const code = /** @type {NodeJS.ErrnoException} */ (e).code;
    if (code !== "EACCES" && code !== "EPERM" && code !== "EROFS") throw e;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-bundle-"));
    process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
    const once = path.join(tmp, `${name}.js`);
    writeBundle(once, js.text, map.text, cacheDir);
    return once;
  }
  for (const other of fs.readdirSync(cacheDir)) {
    const old = other.startsWith(`${name}-`) && (other.endsWith(".js") || other.endsWith(".js.map"));
    if (old && path.join(cacheDir, other) !== file && path.join(cacheDir, other) !== `${file}.map`) fs.rmSync(path.join(cacheDir, other), { force: true });
  }
  return file;
}

/**
 * Writes the bundle and its source map (`<file>.map`, named at the bundle's end), the map first so a bundle is
 * never without it. esbuild names sources relative to where it meant to write (`builtFor`); the map names them by
 * absolute file URL instead, so it reads the same from the cache or a temp directory.
 * @param {string} file
 * @param {string} code
 * @param {string} mapText
 * @param {string} builtFor
 */
function writeBundle(file, code, mapText, builtFor) {
  const map = JSON.parse(mapText);
  map.sources = map.sources.map((/** @type {string} */ s) => url.pathToFileURL(path.resolve(builtFor, s)).href);
  writeAtomically(`${file}.map`, JSON.stringify(map));
  const body = code.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n");
  writeAtomically(file, `${body}//# sourceMappingURL=${path.basename(file)}.map\n`);
}

/**
 * @param {string} file
 * @param {string | Uint8Array} content
 */
function writeAtomically(file, content) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/**
 * The project's cache folder (under node_modules, as tools keep theirs): `bundles/` here, and the render's
 * overlay build cache, `kustomize-builds/`.
 * @param {string} repo
 */
function cacheRoot(repo) {
  return path.join(repo, "node_modules", ".cache", "mesh-lab");
}

/**
 * render/cli.ts's exports, from the repository's bundle: for `npm run render`, the bench's fleet renders and the
 * tests' render processes alike.
 * @param {string} repo
 * @returns {{ main: (argv: string[], opts: object) => Promise<number> }}
 */
function requireRenderCli(repo) {
  return /** @type {any} */ (requireBundled(repo, "render/cli.ts", path.join(cacheRoot(repo), "bundles")).exports);
}

/**
 * Runs the render CLI from the repository's bundle as this process's command: its exit status becomes the
 * process's, and an unexpected failure is printed and exits 3 (`npm run render` and the bench's fleet renders).
 * @param {string} repo
 * @param {string[]} argv
 * @param {object} opts render/cli.ts CliOptions
 */
function runRenderCli(repo, argv, opts) {
  requireRenderCli(repo)
    .main(argv, opts)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e) => {
        console.error(e);
        process.exitCode = 3;
      },
    );
}

module.exports = { requireBundled, requireRenderCli, runRenderCli, cacheRoot, inputsKey };
