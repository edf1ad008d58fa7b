// Codegen plugin: the persisted-query manifest, `{ "<sha256>": "<document>" }`, sorted by hash.
// The server can load it to answer only known hashes from the apps.
const { collect } = require('./operations.cjs');

module.exports = {
  plugin(_schema, documents) {
    const ops = collect(documents).sort((a, b) => (a.hash < b.hash ? -1 : 1));
    const manifest = Object.fromEntries(ops.map((o) => [o.hash, o.query]));
    return JSON.stringify(manifest, null, 2) + '\n';
  },
};
