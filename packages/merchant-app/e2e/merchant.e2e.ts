/**
 * The merchant app (H5 build) in Debian's Chromium beside the real server (PostgreSQL, Redis): enrol
 * a terminal, log in, scan a traveller's QR through the keyboard-wedge input, redeem the three lines
 * of a 3-in-1 pass at their three merchants while a second page of the same merchant sees it live
 * and another merchant's page does not; a used ticket is yellow, a forged code and a reused
 * screenshot are red; offline, two tickets are redeemed and synced when the network returns; the
 * same line offline on two terminals ends as one redemption and one conflict, resolved by a
 * manager; the camera (Chromium's fake camera playing the QR) scans too; a ferry gate picks its
 * departure, another sailing's ticket is red (online and offline) and the boarded count follows
 * live; the English switch. Screenshots of each step
 * go to docs/screenshots/merchant/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleQrToken, fromBase64Url, parseQrToken, qrRotatingPart, qrSignedPart, qrStepAt } from '@deeptravel/shared';
import { apiClient } from './support/api';
import { launchChromium } from './support/browser';
import { writeQrY4m } from './support/fake-camera';
import { startApiServer } from '../../server/test/support/api-server-process';
import { serveH5 } from './support/static-server';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${APP_DIR}dist-h5`;
const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/merchant/', import.meta.url));

let api: Awaited<ReturnType<typeof startApiServer>>;
let web: Awaited<ReturnType<typeof serveH5>>;
let browser: Browser;
let db: pg.Client;
let client: ReturnType<typeof apiClient>;
let admin: string;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return { context, page };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(250);
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** A terminal id by code. */
async function terminalId(code: string): Promise<string> {
  const { rows } = await db.query('SELECT id FROM terminal WHERE code = $1', [code]);
  return String(rows[0].id);
}

/** An enrolment code made by the admin (as the admin console would show it). */
async function enrolmentCode(terminalCode: string): Promise<string> {
  const r = await client.gql(`mutation($id: ID!) { adminCreateEnrolmentCode(terminalId: $id) { code } }`, { id: await terminalId(terminalCode) }, admin);
  return r.adminCreateEnrolmentCode.code;
}

function input(page: Page, testId: string) {
  return page.locator(`[data-testid="${testId}"] input, input[data-testid="${testId}"]`).first();
}

async function enrolAndLogin(page: Page, terminalCode: string, username: string, shots?: { enrol: string; login: string }): Promise<void> {
  await page.goto(`${web.url}/`);
  await page.getByTestId('enrol-submit').waitFor();
  await input(page, 'enrol-code').fill(await enrolmentCode(terminalCode));
  if (shots) await shot(page, shots.enrol);
  await page.getByTestId('enrol-submit').click();
  await page.getByTestId('login-submit').waitFor();
  await input(page, 'login-username').fill(username);
  await input(page, 'login-password').fill('demo1234');
  if (shots) await shot(page, shots.login);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('scan-box').waitFor();
  expect(await page.getByTestId('status-terminal').innerText()).toBe(terminalCode);
}

/** Types a code into the keyboard-wedge field and presses Enter, as a PDA's scanner does. */
async function wedge(page: Page, text: string): Promise<void> {
  if (await page.getByTestId('next-scan').isVisible().catch(() => false)) await page.getByTestId('next-scan').click();
  const field = input(page, 'wedge-input');
  await field.fill(text);
  await field.press('Enter');
  await page.getByTestId('result').waitFor();
}

async function verdict(page: Page): Promise<string> {
  return (await page.getByTestId('result').getAttribute('data-verdict')) ?? '';
}

/** Ticks nothing more: redeems what is ticked and confirms the dialog. */
async function redeemTicked(page: Page, button = 'redeem-selected'): Promise<void> {
  await page.getByTestId(button).click();
  await page.getByText('确认核销', { exact: true }).last().click();
  await page.waitForFunction(() => /核销成功|已离线核销|部分未核销/.test(document.querySelector('[data-testid="result-title"]')?.textContent ?? ''));
}

/** Waits until the app's offline bundle holds a ticket (the app refreshes it at launch). */
async function bundleHas(page: Page, code: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const has = await page.evaluate((c) => {
      const raw = localStorage.getItem('dtm.offline');
      return !!raw && raw.includes(c);
    }, code);
    if (has) return;
    await page.reload();
    await page.getByTestId('scan-box').waitFor();
    await page.waitForTimeout(1000);
  }
  throw new Error(`the bundle never had ${code}`);
}

beforeAll(async () => {
  if (!existsSync(`${DIST}/index.html`) || process.env.E2E_REBUILD === '1') {
    const r = spawnSync('pnpm', ['run', 'build:h5'], { cwd: APP_DIR, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('the H5 build failed');
  }
  mkdirSync(SHOTS, { recursive: true });
  api = await startApiServer();
  web = await serveH5(DIST, api.url);
  db = new pg.Client({ connectionString: api.databaseUrl });
  await db.connect();
  client = apiClient(api.url);
  admin = (await client.gql(`mutation { adminLogin(username: "admin", password: "admin12345") { token } }`)).adminLogin.token;
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await db?.end();
  await web?.close();
  await api?.stop();
});

describe('merchant app (H5) end to end', () => {
  let gate: { context: BrowserContext; page: Page };
  let tjLive: { context: BrowserContext; page: Page };
  let cbLive: { context: BrowserContext; page: Page };
  let pass: { codes: string[] };

  it('enrols the terminal with a one-time code and logs staff in; who is on which terminal is always on top', async () => {
    gate = await newPage();
    await enrolAndLogin(gate.page, 'TURBOJET-T1', 'turbojet-staff', { enrol: '01-enrol', login: '02-login' });
    expect(await gate.page.getByTestId('status-staff').innerText()).toContain('核销员');
    expect(await gate.page.getByTestId('net-state').innerText()).toBe('在线');
    await shot(gate.page, '03-ready');
  });

  it('opens live pages: TurboJET (same merchant) and Citybus (another merchant)', async () => {
    tjLive = await newPage();
    await enrolAndLogin(tjLive.page, 'TURBOJET-T2', 'turbojet-manager');
    await tjLive.page.getByTestId('nav-log').click();
    await tjLive.page.getByText('● 实时').waitFor();
    cbLive = await newPage();
    await enrolAndLogin(cbLive.page, 'CITYBUS-T1', 'citybus-manager');
    await cbLive.page.getByTestId('nav-log').click();
    await cbLive.page.getByText('● 实时').waitFor();
  });

  it('scans a 3-in-1 pass through the keyboard wedge: green, TurboJET line redeemed, seen live by TurboJET only', async () => {
    pass = await client.buyPass(1);
    await wedge(gate.page, await client.qrOf(pass.codes[0]));
    expect(await verdict(gate.page)).toBe('GREEN');
    expect(await gate.page.getByTestId('result-title').innerText()).toBe('可以核销');
    expect(await gate.page.getByText('成人').first().isVisible()).toBe(true);
    await shot(gate.page, '04-green');
    await redeemTicked(gate.page);
    expect(await gate.page.getByTestId('result-title').innerText()).toBe('核销成功');
    await shot(gate.page, '05-redeemed');
    await tjLive.page.waitForFunction(() => document.querySelector('[data-testid="live-total"]')?.textContent === '1', undefined, { timeout: 15_000 });
    expect(await tjLive.page.getByText(pass.codes[0]).first().isVisible()).toBe(true);
    await shot(tjLive.page, '06-live-log');
    await cbLive.page.waitForTimeout(1500);
    expect(await cbLive.page.getByTestId('live-total').innerText()).toBe('0');
  });

  it('shows a used ticket in yellow with when and where', async () => {
    await wedge(gate.page, await client.qrOf(pass.codes[0]));
    expect(await verdict(gate.page)).toBe('YELLOW');
    expect(await gate.page.getByTestId('result-detail').innerText()).toMatch(/于 \d\d-\d\d \d\d:\d\d 在 TURBOJET-T1 使用/);
    await shot(gate.page, '08-already-used');
  });

  it('redeems the Citybus and Ngong Ping lines at their own merchants; Citybus sees its own live', async () => {
    const citybus = await newPage();
    await enrolAndLogin(citybus.page, 'CITYBUS-T1', 'citybus-staff');
    await wedge(citybus.page, await client.qrOf(pass.codes[0]));
    expect(await verdict(citybus.page)).toBe('GREEN');
    await redeemTicked(citybus.page);
    await shot(citybus.page, '07-citybus-redeemed');
    await cbLive.page.waitForFunction(() => document.querySelector('[data-testid="live-total"]')?.textContent === '1', undefined, { timeout: 15_000 });
    const np = await newPage();
    await enrolAndLogin(np.page, 'NP360-T1', 'np360-staff');
    await wedge(np.page, await client.qrOf(pass.codes[0]));
    await redeemTicked(np.page);
    const { rows } = await db.query(`SELECT l.uses_left FROM ticket_line l JOIN ticket t ON t.id = l.ticket_id WHERE t.code = $1 ORDER BY l.id`, [pass.codes[0]]);
    expect(rows.map((r) => r.uses_left)).toEqual([0, 0, 0]);
    // TurboJET's live page still shows only its own redemption.
    if ((await tjLive.page.getByTestId('live-total').innerText()) !== '1') console.log(await tjLive.page.getByTestId('live-card').locator('..').innerText());
    expect(await tjLive.page.getByTestId('live-total').innerText()).toBe('1');
  });

  it('refuses a forged code and a reused screenshot in red, with the reason in words', async () => {
    const other = await client.buyPass(1);
    const live = await client.qrOf(other.codes[0]);
    const parsed = parseQrToken(live)!;
    // Forged: another ticket's claims under this code's signature.
    const forgedClaims = qrSignedPart({ ...parsed.claims, ref: pass.codes[0] });
    const [, , sig, rot] = live.split('.');
    await wedge(gate.page, `${forgedClaims}.${sig}.${rot}`);
    expect(await verdict(gate.page)).toBe('RED');
    expect(await gate.page.getByTestId('result-detail').innerText()).toBe('伪造或被篡改的二维码');
    await shot(gate.page, '09-forged');
    // A screenshot taken three minutes ago: genuine signature, rotating part of an old step.
    const { rows } = await db.query('SELECT qr_secret FROM ticket WHERE code = $1', [other.codes[0]]);
    const oldRot = qrRotatingPart(fromBase64Url(rows[0].qr_secret), other.codes[0], qrStepAt(Date.now() - 180_000));
    await wedge(gate.page, assembleQrToken(parsed.signedPart, parsed.signature, oldRot));
    expect(await verdict(gate.page)).toBe('RED');
    expect(await gate.page.getByTestId('result-detail').innerText()).toContain('截图');
    await shot(gate.page, '10-screenshot');
  });

  it('offline: two tickets are redeemed from the bundle, queued with the data age shown, then synced when the network returns', async () => {
    const two = await client.buyPass(2);
    await bundleHas(gate.page, two.codes[1]);
    const qrs = [await client.qrOf(two.codes[0]), await client.qrOf(two.codes[1])];
    await gate.context.setOffline(true);
    for (const q of qrs) {
      await wedge(gate.page, q);
      expect(await verdict(gate.page)).toBe('GREEN');
      await redeemTicked(gate.page);
      expect(await gate.page.getByTestId('result-title').innerText()).toBe('已离线核销');
    }
    expect(await gate.page.getByTestId('net-state').innerText()).toBe('离线模式');
    expect(await gate.page.getByTestId('queue-size').innerText()).toBe('待上传 2');
    expect(await gate.page.getByTestId('data-age').innerText()).toMatch(/离线数据：(刚刚|\d+ 分钟前)/);
    await shot(gate.page, '11-offline-queued');
    let { rows } = await db.query(`SELECT count(*)::int AS n FROM offline_redemption`);
    expect(rows[0].n).toBe(0);
    await gate.context.setOffline(false);
    await gate.page.waitForFunction(() => document.querySelector('[data-testid="queue-size"]')?.textContent === '待上传 0', undefined, { timeout: 30_000 });
    expect(await gate.page.getByTestId('net-state').innerText()).toBe('在线');
    await shot(gate.page, '12-synced');
    ({ rows } = await db.query(`SELECT t.code FROM offline_redemption o JOIN redemption r ON r.id = o.redemption_id JOIN ticket t ON t.id = r.ticket_id ORDER BY t.code`));
    expect(rows.map((r) => r.code)).toEqual([...two.codes.slice(0, 2)].sort());
  });

  it('the same line offline on two terminals: one redemption, one conflict that the manager resolves', async () => {
    const one = await client.buyPass(1);
    const second = tjLive;
    await second.page.getByTestId('nav-scan').click();
    await second.page.getByTestId('scan-box').waitFor();
    await bundleHas(gate.page, one.codes[0]);
    await bundleHas(second.page, one.codes[0]);
    const q = await client.qrOf(one.codes[0]);
    await gate.context.setOffline(true);
    await second.context.setOffline(true);
    for (const p of [gate.page, second.page]) {
      await wedge(p, q);
      expect(await verdict(p)).toBe('GREEN');
      await redeemTicked(p);
    }
    await shot(second.page, '13-offline-second-terminal');
    await gate.context.setOffline(false);
    await second.context.setOffline(false);
    for (const p of [gate.page, second.page]) {
      await p.waitForFunction(() => document.querySelector('[data-testid="queue-size"]')?.textContent === '待上传 0', undefined, { timeout: 30_000 });
    }
    const { rows: reds } = await db.query(
      `SELECT count(*)::int AS n FROM redemption r JOIN ticket_line l ON l.id = r.ticket_line_id JOIN ticket t ON t.id = l.ticket_id WHERE t.code = $1 AND l.merchant_id = 2`, [one.codes[0]]);
    const { rows: conflicts } = await db.query(`SELECT c.id FROM redemption_conflict c JOIN ticket t ON t.id = c.ticket_id WHERE t.code = $1`, [one.codes[0]]);
    expect(reds[0].n).toBe(1);
    expect(conflicts).toHaveLength(1);
    // The manager sees it and resolves it with a note.
    await second.page.getByTestId('nav-manage').click();
    const id = conflicts[0].id;
    await second.page.getByTestId(`conflict-${id}`).waitFor();
    await input(second.page, `conflict-note-${id}`).fill('同一旅客在两个闸口各扫一次，已核实只登船一次');
    await shot(second.page, '14-conflict');
    await second.page.getByTestId(`conflict-resolve-${id}`).click();
    await second.page.getByTestId('no-conflicts').waitFor();
    const { rows } = await db.query(`SELECT status, resolved_by FROM redemption_conflict WHERE id = $1`, [id]);
    expect(rows[0]).toEqual({ status: 'RESOLVED', resolved_by: 'turbojet-manager' });
  });

  // Skipped until 2026-11-23 (2 of 6 CI runs failed): zxing-js could not read some QR codes at all,
  // depending on their content; the app now decodes with jsQR (camera-scanner.tsx, docs/apps.md).
  it('scans through the camera: Chromium plays the QR as its fake camera, jsQR decodes it', async () => {
    const t = await client.buyPass(1);
    const dir = mkdtempSync(join(tmpdir(), 'dt-cam-'));
    const video = join(dir, 'qr.y4m');
    writeQrY4m(video, await client.qrOf(t.codes[0]));
    const camBrowser = await launchChromium(video);
    try {
      const ctx = await camBrowser.newContext({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 1, locale: 'zh-CN', storageState: await gate.context.storageState() });
      await ctx.grantPermissions(['camera']);
      const page = await ctx.newPage();
      const consoleLines: string[] = [];
      page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
      await page.goto(`${web.url}/`);
      await page.getByTestId('scan-box').waitFor();
      await page.getByTestId('scan-camera').click();
      try {
        await page.getByTestId('result').waitFor({ timeout: 30_000 });
      } catch (err) {
        const state = await page.evaluate(() => {
          const v = document.querySelector('video');
          return { video: v ? { readyState: v.readyState, w: v.videoWidth, h: v.videoHeight, paused: v.paused, t: v.currentTime } : null, text: document.body.innerText.slice(0, 500) };
        });
        await shot(page, '15-camera-failed');
        throw new Error(`no scan result: ${JSON.stringify(state)}; console: ${consoleLines.slice(-20).join(' | ')}; ${(err as Error).message}`);
      }
      expect(await verdict(page)).toBe('GREEN');
      expect(await page.getByText(t.codes[0]).first().isVisible()).toBe(true);
      await shot(page, '15-camera');
      await ctx.close();
    } finally {
      await camBrowser.close();
    }
  });

  it('exports the CSV for reconciliation', async () => {
    await gate.page.getByTestId('nav-log').click();
    await gate.page.getByTestId('live-total').waitFor();
    const download = gate.page.waitForEvent('download');
    await gate.page.getByTestId('export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^核销记录-TURBOJET-T1-\d{4}-\d\d-\d\d\.csv$/);
    await gate.page.getByTestId('export-done').waitFor();
    await shot(gate.page, '16-log-csv');
  });
  it('ferry gate: picks the departure, refuses another sailing in red (online and offline), the count goes up live; English switch', async () => {
    // Two sailings later today (HKT), made by the admin, so tickets for them are valid now whenever this runs.
    const endOfDay = new Date(`${new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)}T23:59:00+08:00`).getTime();
    const step = Math.max(60_000, Math.min(45 * 60_000, Math.floor((endOfDay - Date.now()) / 3)));
    const at = (k: number) => {
      const d = new Date(Math.ceil((Date.now() + k * step) / 60_000) * 60_000);
      // Not on :00 or :30, where the demo sailings are (one time, one sailing in the picker).
      if (d.getUTCMinutes() % 30 === 0) d.setUTCMinutes(d.getUTCMinutes() + 1);
      return d;
    };
    const trip = async (d: Date) =>
      String((await client.gql(`mutation($i: TripInput!) { adminUpsertTrip(input: $i) }`, { i: { routeId: 4, departureAt: d.toISOString(), capacity: 300 } }, admin)).adminUpsertTrip);
    const [a, b] = [await trip(at(1)), await trip(at(2))];
    const hm = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
    const bTime = hm(at(2));
    const onA = await client.buyTrip(4, a, 2);
    const [onB] = await client.buyTrip(4, b, 1);

    const page = gate.page;
    await page.getByTestId('nav-scan').click();
    await page.getByTestId('scan-box').waitFor();
    expect(await page.getByTestId('departure-time').innerText()).toBe('未选择班次');
    await page.getByTestId('departure-change').click();
    await page.getByTestId(`departure-${a}`).waitFor();
    expect(await page.getByTestId(`departure-${a}`).innerText()).toContain('0/2');
    await shot(page, '17-departures');
    await page.getByTestId(`departure-${a}`).click();
    await page.getByTestId('scan-box').waitFor();
    expect(await page.getByTestId('departure-time').innerText()).toBe(`班次 ${hm(at(1))}`);
    expect(await page.getByTestId('departure-count').innerText()).toBe('已登 0 / 应到 2');

    // The next sailing's ticket at this gate: red, saying when its own sailing leaves.
    await wedge(page, await client.qrOf(onB));
    expect(await verdict(page)).toBe('RED');
    expect(await page.getByTestId('result-detail').innerText()).toBe(`此票为 ${bTime} 班次，请引导旅客至对应闸口`);
    await shot(page, '18-wrong-departure');

    // This sailing's ticket: green; after the redeem the count goes up.
    await wedge(page, await client.qrOf(onA[0]));
    expect(await verdict(page)).toBe('GREEN');
    await redeemTicked(page);
    await page.waitForFunction(() => document.querySelector('[data-testid="departure-count"]')?.textContent === '已登 1 / 应到 2', undefined, { timeout: 15_000 });
    // Another gate of the merchant (the second TurboJET terminal) boards the second passenger: this gate's count follows live.
    const second = tjLive.page;
    await second.getByTestId('nav-scan').click();
    await second.getByTestId('departure-change').click();
    await second.getByTestId(`departure-${a}`).click();
    await wedge(second, await client.qrOf(onA[1]));
    await redeemTicked(second);
    await page.waitForFunction(() => document.querySelector('[data-testid="departure-count"]')?.textContent === '已登 2 / 应到 2', undefined, { timeout: 15_000 });
    await page.getByTestId('next-scan').click();
    await shot(page, '19-boarded-live');

    // Offline the bundle's trip of each ticket is checked the same way.
    await bundleHas(page, onB);
    await page.context().setOffline(true);
    try {
      await wedge(page, await client.qrOf(onB));
      expect(await verdict(page)).toBe('RED');
      expect(await page.getByTestId('result-detail').innerText()).toBe(`此票为 ${bTime} 班次，请引导旅客至对应闸口`);
      await shot(page, '20-wrong-departure-offline');
    } finally {
      await page.context().setOffline(false);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="queue-size"]')?.textContent === '待上传 0', undefined, { timeout: 30_000 });

    // The English switch: fixed text and reasons.
    await page.getByTestId('lang-switch').click();
    await wedge(page, await client.qrOf(onB));
    expect(await page.getByTestId('result-title').innerText()).toBe('Do not admit');
    expect(await page.getByTestId('result-detail').innerText()).toBe(`This ticket is for the ${bTime} departure: send the traveller to that gate`);
    expect(await page.getByTestId('departure-count').innerText()).toBe('Boarded 2 / 2');
    expect(await page.getByTestId('net-state').innerText()).toBe('Online');
    await shot(page, '21-english');
    await page.getByTestId('lang-switch').click();
    expect(await page.getByTestId('net-state').innerText()).toBe('在线');
  });
});
