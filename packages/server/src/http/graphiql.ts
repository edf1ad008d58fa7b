import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** A file inside an installed package (UMD builds are not in the packages' export maps). */
const pkgFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

/** GraphiQL served from our own node_modules, so the playground works with no internet. */
export const GRAPHIQL_ASSETS: Record<string, { file: string; type: string }> = {
  '/graphiql/react.js': { file: pkgFile('react', 'umd/react.production.min.js'), type: 'application/javascript' },
  '/graphiql/react-dom.js': { file: pkgFile('react-dom', 'umd/react-dom.production.min.js'), type: 'application/javascript' },
  '/graphiql/graphiql.js': { file: pkgFile('graphiql', 'graphiql.min.js'), type: 'application/javascript' },
  '/graphiql/graphiql.css': { file: pkgFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

const cache = new Map<string, Buffer>();

/** The bytes of a GraphiQL asset, read once. */
export function graphiqlAsset(path: string): { body: Buffer; type: string } | null {
  const asset = GRAPHIQL_ASSETS[path];
  if (!asset) return null;
  let body = cache.get(path);
  if (!body) {
    body = readFileSync(asset.file);
    cache.set(path, body);
  }
  return { body, type: asset.type };
}

/** The playground page; the token field fills the Authorization header. */
export const GRAPHIQL_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>DeepTravel GraphQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style></head>
<body><div id="graphiql">Loading…</div>
<script src="/graphiql/react.js"></script><script src="/graphiql/react-dom.js"></script><script src="/graphiql/graphiql.js"></script>
<script>
const fetcher = GraphiQL.createFetcher({ url: location.origin + '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, { fetcher, defaultHeaders: '{"Authorization": "Bearer user123"}' }));
</script></body></html>`;
