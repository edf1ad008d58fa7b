// `pnpm dev:traveller`: the local server (embedded PGlite and the mock gateway unless DATABASE_URL,
// REDIS_URL or PAYMENT_GATEWAY say otherwise) and the traveller app's H5 dev server, which proxies
// /graphql and /payments to it. Open http://127.0.0.1:10086/ (TRAVELLER_DEV_PORT to change it).
// Ctrl-C stops both.
import { spawn } from 'node:child_process';

const apiPort = process.env.PORT ?? '8080';
const webPort = process.env.TRAVELLER_DEV_PORT ?? '10086';
const children = [];

function run(name, args, env) {
  // Its own process group, so stopping it stops pnpm and what pnpm started.
  const child = spawn('pnpm', args, { stdio: 'inherit', env: { ...process.env, ...env }, detached: true });
  child.on('exit', (code) => {
    console.log(`dev:traveller: ${name} exited (${code}); stopping`);
    stop(code ?? 1);
  });
  children.push(child);
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  setTimeout(() => process.exit(code), 500);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('server', ['--filter', '@deeptravel/server', 'start'], { PORT: apiPort, PAYMENT_GATEWAY: process.env.PAYMENT_GATEWAY ?? 'mock' });
run('traveller-app (H5)', ['--filter', '@deeptravel/traveller-app', 'dev:h5'], {
  TARO_APP_DEV_API_ORIGIN: `http://127.0.0.1:${apiPort}`,
  TRAVELLER_DEV_PORT: webPort,
});
console.log(`dev:traveller: the app will be at http://127.0.0.1:${webPort}/ (server on :${apiPort})`);
