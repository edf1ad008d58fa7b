import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
};

/**
 * Serves the H5 build and forwards the API paths (/graphql, /payments) to the real server, so the
 * app talks to its own origin as it does behind the dev server's proxy. `offline` makes the API
 * paths fail like a dead network would (the wallet must still show tickets).
 */
export async function serveH5(root: string, apiUrl: string): Promise<{ url: string; close(): Promise<void>; setApiDown(down: boolean): void }> {
  let apiDown = false;
  const api = new URL(apiUrl);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.startsWith('/graphql') || path.startsWith('/payments')) {
      if (apiDown) {
        req.socket.destroy();
        return;
      }
      const fwd = request(
        { host: api.hostname, port: api.port, path: req.url, method: req.method, headers: { ...req.headers, host: api.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(fwd);
      return;
    }
    let file = normalize(join(root, path));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  // graphql-ws on /graphql: the upgrade request and then the raw bytes both ways.
  const sockets = new Set<Socket>();
  server.on('upgrade', (req, socket: Socket, head) => {
    if (apiDown || !(req.url ?? '').startsWith('/graphql')) {
      socket.destroy();
      return;
    }
    const up = connect(Number(api.port), api.hostname, () => {
      const headers = Object.entries({ ...req.headers, host: api.host }).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    sockets.add(socket);
    sockets.add(up);
    const end = () => {
      socket.destroy();
      up.destroy();
      sockets.delete(socket);
      sockets.delete(up);
    };
    up.on('error', end);
    socket.on('error', end);
    up.on('close', end);
    socket.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setApiDown: (down) => {
      apiDown = down;
      if (down) for (const sk of sockets) sk.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const sk of sockets) sk.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
