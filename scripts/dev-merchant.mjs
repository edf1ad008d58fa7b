// `pnpm dev:merchant`: the local server (embedded PGlite unless DATABASE_URL / REDIS_URL say
// otherwise) and the merchant app's H5 dev server, which proxies /graphql (HTTP and WebSocket) to it.
// Open http://127.0.0.1:10087/ (MERCHANT_DEV_PORT to change it). Once the server answers, an
// enrolment code for the demo terminal TURBOJET-T1 (or DEV_TERMINAL) is printed: type it in the app,
// then log in as turbojet-staff / demo1234 (docs/redemption.md). Ctrl-C stops both.
import { spawn } from 'node:child_process';

const apiPort = process.env.PORT ?? '8080';
const webPort = process.env.MERCHANT_DEV_PORT ?? '10087';
const terminal = process.env.DEV_TERMINAL ?? 'TURBOJET-T1';
const children = [];

function run(name, args, env) {
  // Its own process group, so stopping it stops pnpm and what pnpm started.
  const child = spawn('pnpm', args, { stdio: 'inherit', env: { ...process.env, ...env }, detached: true });
  child.on('exit', (code) => {
    console.log(`dev:merchant: ${name} exited (${code}); stopping`);
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

async function gql(query, variables = {}, token = null) {
  const res = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

/** Waits for the server, then prints a fresh enrolment code (dev demo admin account). */
async function printEnrolmentCode() {
  for (let i = 0; i < 120 && !stopping; i++) {
    try {
      const { adminLogin } = await gql('mutation { adminLogin(username: "admin", password: "admin12345") { token } }');
      const { adminTerminals } = await gql('query { adminTerminals(merchantId: 2) { id code } }', {}, adminLogin.token);
      const all = [...adminTerminals];
      for (const m of [1, 3, 4, 5, 6]) all.push(...(await gql(`query { adminTerminals(merchantId: ${m}) { id code } }`, {}, adminLogin.token)).adminTerminals);
      const t = all.find((x) => x.code === terminal);
      if (!t) throw new Error(`no terminal ${terminal}`);
      const { adminCreateEnrolmentCode: c } = await gql('mutation($id: ID!) { adminCreateEnrolmentCode(terminalId: $id) { code expiresAt } }', { id: t.id }, adminLogin.token);
      console.log(`\ndev:merchant: enrolment code for ${terminal}: ${c.code} (valid until ${c.expiresAt}); then log in as turbojet-staff / demo1234\n`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

run('server', ['--filter', '@deeptravel/server', 'start'], { PORT: apiPort });
run('merchant-app (H5)', ['--filter', '@deeptravel/merchant-app', 'dev:h5'], {
  TARO_APP_DEV_API_ORIGIN: `http://127.0.0.1:${apiPort}`,
  MERCHANT_DEV_PORT: webPort,
});
console.log(`dev:merchant: the app will be at http://127.0.0.1:${webPort}/ (server on :${apiPort})`);
void printEnrolmentCode();
