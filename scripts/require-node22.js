// Fails fast, with the fix, when the scripts run on another Node than the one package.json pins.
// npm puts node_modules/.bin first on PATH, so `npm ci` (which installs the `node` package) is the fix.
const major = Number(process.versions.node.split(".")[0]);
if (major !== 22) {
  console.error(
    `mesh-lab needs Node 22, this is ${process.version}. Run \`npm ci\` (it installs Node 22 into node_modules/.bin) and use the npm scripts.`,
  );
  process.exit(1);
}
