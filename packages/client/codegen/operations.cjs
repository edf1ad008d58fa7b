// Shared by the two codegen plugins: every operation of the documents, printed exactly as the
// client sends it (the operation, then the fragments it uses, sorted), and its SHA-256.
const { createHash } = require('node:crypto');
const { Kind, print, visit } = require('graphql');

function collect(documents) {
  const operations = [];
  const fragments = new Map();
  for (const file of documents) {
    for (const def of file.document.definitions) {
      if (def.kind === Kind.OPERATION_DEFINITION) {
        if (!def.name) throw new Error(`${file.location}: every operation needs a name`);
        operations.push(def);
      } else if (def.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(def.name.value)) throw new Error(`fragment ${def.name.value} is defined twice`);
        fragments.set(def.name.value, def);
      }
    }
  }
  const names = new Set();
  return operations.map((op) => {
    const name = op.name.value;
    if (names.has(name)) throw new Error(`operation ${name} is defined twice`);
    names.add(name);
    const used = new Set();
    const walk = (node) =>
      visit(node, {
        FragmentSpread(spread) {
          const f = spread.name.value;
          if (used.has(f)) return;
          if (!fragments.has(f)) throw new Error(`${name}: unknown fragment ${f}`);
          used.add(f);
          walk(fragments.get(f));
        },
      });
    walk(op);
    const query = [print(op), ...[...used].sort().map((f) => print(fragments.get(f)))].join('\n\n');
    const hash = createHash('sha256').update(query).digest('hex');
    return { name, kind: op.operation, query, hash };
  });
}

module.exports = { collect };
