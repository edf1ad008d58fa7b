/**
 * The traveller's journey in headless Chromium on the H5 build, beside the real server (PostgreSQL,
 * Redis, mock gateway): search → results → confirm with two passengers (a double tap makes one
 * order) → 模拟支付 → tickets → the QR (decoded from the screenshot and accepted by the merchant's
 * scanCode) → offline wallet → refund quote → refund → refunded; an expired hold and a sold-out
 * trip show their sentences. A screenshot of each step goes to docs/screenshots/traveller/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api';
import { launchChromium } from './support/browser';
import { decodeQr } from './support/qr';
import { startApiServer } from '../../server/test/support/api-server-process';
import { serveH5 } from './support/static-server';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${APP_DIR}dist-h5`;
const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/traveller/', import.meta.url));

let api: Awaited<ReturnType<typeof startApiServer>>;
let web: Awaited<ReturnType<typeof serveH5>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let db: pg.Client;
let gql: ReturnType<typeof apiClient>['gql'];
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** Text visible on the page (Taro's H5 router keeps earlier pages in the DOM, hidden). */
function text(t: string | RegExp) {
  return page.getByText(t).filter({ visible: true }).first();
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
  gql = apiClient(api.url).gql;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('pageerror', (e) => {
    console.error('page error:', e.message);
    pageErrors.push(e.message);
  });
});

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await web?.close();
  await api?.stop();
});

describe('traveller app (H5) end to end', () => {
  let orderId: string;
  let qrPayload: string;

  it('searches: two adults, Shenzhen → Hong Kong, tomorrow', async () => {
    await page.goto(`${web.url}/`);
    await text('搜索班次').waitFor();
    await page.getByTestId('quick-day-1').click();
    await page.getByLabel('增加 成人').click();
    expect(await page.getByTestId('stepper-成人').innerText()).toContain('2');
    await shot('01-search');
    await page.getByTestId('search-button').click();
    await page.getByTestId('results-summary').waitFor();
  });

  it('lists the day with times, seats, totals and refund rules', async () => {
    await text('¥520').waitFor();
    expect(await page.getByTestId('results-summary').innerText()).toContain('深圳 → 香港');
    await expect(text('成人 ¥260×2').isVisible()).resolves.toBe(true);
    await expect(text(/开船前48小时以上免费退/).isVisible()).resolves.toBe(true);
    await shot('02-results');
  });

  it('confirms two passengers; a double tap makes one order', async () => {
    const ferry = page.locator('[data-testid^="offer-"]', { hasText: '¥520' }).first();
    await ferry.locator('[data-testid^="book-"]').click();
    await page.getByTestId('passenger-0').waitFor();
    // Checked as typed: a digit in a name is refused before anything is sent.
    await page.getByTestId('passenger-0-name').locator('input').fill('张三3');
    await text('姓名只能包含中文、字母、空格和 ·').waitFor();
    await page.getByTestId('passenger-0-name').locator('input').fill('张三');
    await page.getByTestId('passenger-0-phone').locator('input').fill('13812345678');
    await page.getByTestId('passenger-1-name').locator('input').fill('李四');
    await shot('03-confirm');
    const before = (await gql(`{ myOrders(limit: 50) { id } }`)).data.myOrders.length;
    await page.getByTestId('submit-order').dblclick();
    await page.getByTestId('hold-countdown').waitFor();
    const orders = (await gql(`{ myOrders(limit: 50) { id status totalAmount passengers { name phoneMasked } } }`)).data.myOrders;
    expect(orders.length).toBe(before + 1);
    expect(orders[0]).toMatchObject({ status: 'PENDING', totalAmount: 52000, passengers: [{ name: '张三', phoneMasked: '138****5678' }, { name: '李四', phoneMasked: null }] });
    orderId = orders[0].id;
  });

  it('pays with 模拟支付 before the hold ends and follows the order until the tickets appear', async () => {
    expect(await page.getByTestId('hold-countdown').innerText()).toMatch(/0?9:\d\d|10:00/);
    await shot('04-pay');
    await page.getByTestId('pay-button').click();
    await text('出票成功，请在票夹出示二维码').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('order-status').innerText()).toBe('已支付');
    await shot('05-order-paid');
  });

  it('shows a ticket QR that decodes to the payload and that the merchant accepts', async () => {
    await page.getByTestId('show-qr').click();
    const qr = page.getByTestId('qr');
    await qr.waitFor();
    qrPayload = (await qr.getAttribute('data-payload'))!;
    expect(qrPayload).toMatch(/^DT1\./);
    const decoded = decodeQr(await page.getByTestId('qr-image').screenshot());
    expect(decoded).toBe(qrPayload);
    await text('待使用').waitFor();
    await shot('06-ticket-qr');

    const login = await gql(
      `mutation($input: StaffLoginInput!) { staffLogin(input: $input) { token } }`,
      { input: { terminalCode: 'CKS-T1', terminalKey: 'demo-terminal-key', username: 'cks-staff', password: 'demo1234' } },
      null,
    );
    expect(login.errors).toBeUndefined();
    const scan = await gql(`mutation($p: String!) { scanCode(payload: $p) { allowed reason kind ref } }`, { p: decoded }, login.data.staffLogin.token);
    expect(scan.errors).toBeUndefined();
    // The code itself is accepted (signature and rotating part); the ticket is for tomorrow, so not usable yet.
    expect(scan.data.scanCode).toMatchObject({ kind: 'TICKET', ref: JSON.parse(Buffer.from(decoded!.split('.')[1], 'base64url').toString()).ref });
    expect([null, 'NOT_YET_VALID']).toContain(scan.data.scanCode.reason);
  });

  it('still shows the code with the network cut', async () => {
    await context.setOffline(true);
    try {
      await page.goBack();
      await page.getByTestId('show-qr').click();
      await page.getByTestId('qr-offline').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('qr').getAttribute('data-payload')).toMatch(/^DT1\./);
      await shot('07-ticket-offline');
    } finally {
      await context.setOffline(false);
    }
  });

  it('quotes the refund, refunds, and ends refunded', async () => {
    await page.goBack();
    await page.getByTestId('refund-button').click();
    await page.getByTestId('confirm-refund').waitFor();
    const quote = (await gql(`query($id: ID!) { refundQuote(orderId: $id) { totalAmount totalFee } }`, { id: orderId })).data.refundQuote;
    expect(await page.getByTestId('confirm-refund').innerText()).toContain(`¥${quote.totalAmount / 100}`);
    await shot('08-refund-quote');
    await page.getByTestId('confirm-refund').click();
    await page.getByTestId('refund-status-SUCCEEDED').waitFor({ timeout: 30_000 });
    await text(/退款成功，¥[\d.]+ 将原路退回/).waitFor();
    await shot('09-refunded');
    await page.getByTestId('back-to-order').click();
    await page.getByTestId('refund-SUCCEEDED').waitFor();
    await shot('10-order-refunded');
  });

  it('says so when the seat hold has expired, and offers to search again', async () => {
    const trip = (await db.query(`SELECT id FROM trip WHERE product_id = 1 AND departure_at > now() + interval '3 hours' ORDER BY departure_at LIMIT 1`)).rows[0].id;
    const created = await gql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }`, {
      input: { items: [{ productId: '1', tripId: String(trip) }], passengers: [{ name: '王五', type: 'ADULT' }] },
    });
    const id = created.data.createOrder.id;
    await db.query(`UPDATE orders SET lock_expire_at = now() - interval '1 minute' WHERE id = $1`, [Number(id)]);
    await page.goto(`${web.url}/#/pkg-booking/pay/index?orderId=${id}`);
    await page.getByTestId('hold-expired').waitFor();
    await text('座位保留已过期，订单已取消。请重新搜索并下单。').waitFor();
    expect(await page.getByTestId('pay-button').count()).toBe(0);
    await shot('11-hold-expired');
  });

  it('shows a sold-out trip, and a sentence when the last seats go while confirming', async () => {
    await page.goto(`${web.url}/`);
    await page.getByTestId('quick-day-2').click();
    // The first ferry of that day sells out before the traveller searches.
    const day = await page.evaluate(() => new Date(Date.now() + 8 * 3600_000 + 2 * 86400_000).toISOString().slice(0, 10));
    const trips = (await db.query(
      `SELECT id FROM trip WHERE product_id = 1 AND (departure_at + interval '8 hours')::date = $1::date ORDER BY departure_at`, [day],
    )).rows.map((r) => r.id);
    await db.query(`UPDATE trip SET capacity = sold + locked WHERE id = $1`, [trips[0]]);
    await page.getByTestId('search-button').click();
    await text('已售罄').waitFor();
    await shot('12-sold-out');

    // The next one sells out between the results and the tap on 提交订单.
    const open = page.locator('[data-testid^="offer-"]', { hasText: '¥260' }).filter({ hasNotText: '已售罄' }).first();
    await open.locator('[data-testid^="book-"]').click();
    await page.getByTestId('passenger-0-name').locator('input').fill('赵六');
    await page.getByTestId('passenger-1-name').locator('input').fill('钱七');
    await db.query(`UPDATE trip SET capacity = sold + locked WHERE id = ANY($1::int[])`, [trips]);
    await page.getByTestId('submit-order').click();
    await page.getByTestId('confirm-error').waitFor();
    expect(await page.getByTestId('confirm-error').innerText()).toBe('余票不足，请选择其他班次或减少人数。');
    await shot('13-sold-out-on-confirm');
  });

  it('switches to English and back from the profile', async () => {
    await page.goto(`${web.url}/#/pages/profile/index`);
    await page.getByTestId('lang-en').click();
    await text('Saved passengers ›').waitFor();
    await text('Book').click();
    await text('Cross-border buses, ferries and passes').waitFor();
    await shot('14-search-english');
    await text('Me').click();
    await page.getByTestId('lang-zh').click();
    await text('常用旅客 ›').waitFor();
  });

  it('keeps saved passengers (常用旅客) with the phone masked', async () => {
    await page.goto(`${web.url}/#/pkg-tickets/passengers/index`);
    await page.getByTestId('saved-add').click();
    await page.getByTestId('saved-name').locator('input').fill('陈大文');
    await page.locator('.input').nth(1).locator('input').fill('13912345678');
    await page.getByTestId('saved-save').click();
    await text('139****5678').waitFor();
    await shot('15-saved-passengers');
    const saved = (await gql(`{ mySavedPassengers { name phoneMasked } }`)).data.mySavedPassengers;
    expect(saved).toEqual([{ name: '陈大文', phoneMasked: '139****5678' }]);
  });

  it('lists the messages about the orders', async () => {
    await page.goto(`${web.url}/#/pkg-tickets/messages/index`);
    await page.getByTestId('message-PAYMENT_SUCCESS').first().waitFor();
    await shot('16-messages');
  });

  it('threw no error in the page along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
