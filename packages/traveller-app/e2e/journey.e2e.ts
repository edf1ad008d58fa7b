/**
 * The traveller's journey in headless Chromium on the H5 build, beside the real server (PostgreSQL,
 * Redis, mock gateway): search → results → confirm with two passengers (a double tap makes one
 * order) → 模拟支付 → tickets → the QR (decoded from the screenshot and accepted by the merchant's
 * scanCode) → offline wallet → refund quote → refund → refunded; an expired hold and a sold-out
 * trip show their sentences; a product's detail page; a change (改签) to a dearer trip paid with 模拟支付;
 * a pass's lines updated live over graphql-ws as a merchant redeems. A screenshot of each step goes to
 * docs/screenshots/traveller/.
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

/** A CKS staff token (the merchant side of the scans). */
async function staffToken(): Promise<string> {
  const login = await gql(
    `mutation($input: StaffLoginInput!) { staffLogin(input: $input) { token } }`,
    { input: { terminalCode: 'CKS-T1', terminalKey: 'demo-terminal-key', username: 'cks-staff', password: 'demo1234' } },
    null,
  );
  expect(login.errors).toBeUndefined();
  return login.data.staffLogin.token;
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

  it('opens a product detail page from the results: what is included, validity, rules in words', async () => {
    const ferry = page.locator('[data-testid^="offer-"]', { hasText: '¥520' }).first();
    await ferry.locator('[data-testid^="details-"]').click();
    await page.getByTestId('refund-rules').filter({ visible: true }).waitFor();
    await text('出发前48小时以上：免费退').waitFor();
    await text('出发前2小时内：不可退').waitFor();
    expect(await page.getByTestId('change-rules').filter({ visible: true }).innerText()).toContain('可改签一次，出发前2小时以上');
    await text(/仅限 .* 当班使用/).waitFor();
    await shot('17-product-detail');
    await page.goBack();
    await page.getByTestId('results-summary').filter({ visible: true }).waitFor();
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

  it('with the network cut and a phone clock 7 minutes slow, shows a fresh code past the rotation that the merchant accepts', async () => {
    // The phone's clock is wrong (7 minutes slow): the app corrects it with the server's offset, which
    // it learns online (the Date header) and keeps on the device.
    await context.clock.install({ time: Date.now() - 7 * 60_000 });
    await page.reload();
    const qr = page.getByTestId('qr').filter({ visible: true });
    await qr.waitFor();
    // Through the order page and back while online, so the reloaded H5 app has both pages' code (a
    // mini-program has all of its code on the phone; H5 loads each page's chunk on first use).
    await page.goBack();
    await page.getByTestId('show-qr').filter({ visible: true }).click();
    await qr.waitFor();
    expect(await qr.getAttribute('data-local')).toBe('1');
    // The code computed on the device carries the server's signed static part.
    expect((await qr.getAttribute('data-payload'))!.split('.').slice(0, 3)).toEqual(qrPayload.split('.').slice(0, 3));

    await context.setOffline(true);
    let fresh: string;
    try {
      await page.goBack();
      await page.getByTestId('show-qr').filter({ visible: true }).click();
      await page.getByTestId('qr-offline').filter({ visible: true }).waitFor({ timeout: 20_000 });
      const before = (await qr.getAttribute('data-payload'))!;
      expect(before).toMatch(/^DT1\./);
      await text('当前无网络：二维码由本机生成并每 30 秒刷新，可正常扫码核销。').waitFor();
      await shot('07-ticket-offline');
      // Move past the rotation period: 30 s later (in the first two thirds of a step, so the scan
      // below lands in the server's ±1 step window however the seconds fall).
      const pos = Date.now() % 30_000;
      if (pos > 20_000) await new Promise((r) => setTimeout(r, 30_000 - pos + 1000));
      await page.clock.fastForward(30_000);
      await page.waitForFunction(
        (prev) => [...document.querySelectorAll('[data-testid="qr"]')].some((e) => (e as HTMLElement).offsetParent && e.getAttribute('data-payload') !== prev),
        before,
        { timeout: 10_000 },
      );
      fresh = (await qr.getAttribute('data-payload'))!;
      expect(fresh).not.toBe(before);
      // Same signed static part, a new rotating part.
      expect(fresh.split('.').slice(0, 3)).toEqual(before.split('.').slice(0, 3));
      expect(await page.getByTestId('qr-offline').filter({ visible: true }).isVisible()).toBe(true);
      const decoded = decodeQr(await page.getByTestId('qr-image').filter({ visible: true }).screenshot());
      expect(decoded).toBe(fresh);
      await shot('23-ticket-offline-rotated');
    } finally {
      await context.setOffline(false);
    }
    // Back online, the merchant's scanCode accepts the code the phone made without network.
    const scan = await gql(`mutation($p: String!) { scanCode(payload: $p) { allowed reason kind ref } }`, { p: fresh }, await staffToken());
    expect(scan.errors).toBeUndefined();
    expect(scan.data.scanCode).toMatchObject({ kind: 'TICKET' });
    expect([null, 'NOT_YET_VALID']).toContain(scan.data.scanCode.reason);
    // The phone's clock back to the real time for the rest of the journey (the app re-learns the offset).
    await page.clock.setSystemTime(Date.now());
  });

  it('quotes the refund, refunds, and ends refunded', async () => {
    await page.goBack();
    await page.getByTestId('refund-button').click();
    await page.getByTestId('confirm-refund').waitFor();
    const quote = (await gql(`query($id: ID!) { refundQuote(orderId: $id) { totalAmount totalFee } }`, { id: orderId })).data.refundQuote;
    expect(await page.getByTestId('confirm-refund').innerText()).toContain(`¥${quote.totalAmount / 100}`);
    // When the fee rises next (the tier boundary before departure), in words.
    expect(await page.getByTestId('next-fee').innerText()).toMatch(/出发前\d+小时内（.+ 起）(退票手续费将升至 ¥[\d.]+|不可退票)/);
    await shot('08-refund-quote');
    await page.getByTestId('confirm-refund').click();
    await page.getByTestId('refund-status-SUCCEEDED').waitFor({ timeout: 30_000 });
    await text(/退款成功，¥[\d.]+ 将原路退回/).waitFor();
    await shot('09-refunded');
    await page.getByTestId('back-to-order').click();
    await page.getByTestId('refund-SUCCEEDED').waitFor();
    await shot('10-order-refunded');
  });

  it('changes (改签) a bus ticket to a later ferry: quote, confirm, 模拟支付 of the difference, the new ticket', async () => {
    // A paid bus ticket (Shenzhen Bay → Jordan, ¥80) tomorrow, bought beside the app.
    const day = (d: number) => new Date(Date.now() + 8 * 3600_000 + d * 86400_000).toISOString().slice(0, 10);
    const [bus] = (await db.query(
      `SELECT id FROM trip WHERE product_id = 5 AND (departure_at + interval '8 hours')::date = $1::date AND departure_at > now() + interval '3 hours' ORDER BY departure_at LIMIT 1`, [day(1)],
    )).rows;
    const created = await gql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { id totalAmount } }`, {
      input: { items: [{ productId: '5', tripId: String(bus.id) }], passengers: [{ name: '周八', type: 'ADULT' }] },
    });
    const order = created.data.createOrder;
    const paid = await fetch(`${api.url}/payments/notify`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order_id: Number(order.id), gateway_txn_id: `E2E-CHG-${Date.now()}`, status: 'SUCCESS', amount: order.totalAmount }),
    });
    expect(paid.status).toBe(200);
    const ticketCode = (await gql(`query($id: ID!) { order(id: $id) { tickets { code } } }`, { id: order.id })).data.order.tickets[0].code;

    // The order page follows the order over graphql-ws (through the H5 server's proxy). (A fresh load: the
    // router would keep the order page already open for the refunded order and only change the hash.)
    await page.goto('about:blank');
    await page.goto(`${web.url}/#/pkg-tickets/order/index?id=${order.id}`);
    await page.getByTestId('live').filter({ visible: true }).waitFor({ timeout: 15_000 });
    await page.getByTestId(`change-${ticketCode}`).click();

    // A ferry three days out (later, ¥260): ¥180 to pay, no fee.
    const target = day(3);
    const [ferry] = (await db.query(
      `SELECT id FROM trip WHERE product_id = 1 AND (departure_at + interval '8 hours')::date = $1::date ORDER BY departure_at LIMIT 1`, [target],
    )).rows;
    await page.getByTestId(`change-day-${target}`).click();
    await page.getByTestId(`change-pick-${ferry.id}`).click();
    const quote = page.getByTestId('change-quote').filter({ visible: true });
    await quote.waitFor();
    expect(await quote.innerText()).toMatch(/原票价\s*¥80[\s\S]*新票价\s*¥260[\s\S]*改签手续费\s*¥0[\s\S]*需补差价\s*¥180/);
    await shot('18-change-quote');
    await page.getByTestId('change-confirm').click();
    await page.getByTestId('change-hold').filter({ visible: true }).waitFor();
    expect(await page.getByTestId('change-pay').filter({ visible: true }).innerText()).toContain('模拟支付差价 ¥180');
    await shot('19-change-pay');
    await page.getByTestId('change-pay').filter({ visible: true }).click();
    await page.getByTestId('change-status-COMPLETED').filter({ visible: true }).waitFor({ timeout: 20_000 });
    const newCode = await page.getByTestId('new-ticket').filter({ visible: true }).getAttribute('data-code');
    expect(newCode).not.toBe(ticketCode);
    await text('改签成功，新票已出').waitFor();
    await shot('20-change-done');

    await page.getByTestId('show-new-ticket').filter({ visible: true }).click();
    const qr = page.getByTestId('qr').filter({ visible: true });
    await qr.waitFor();
    expect(await qr.getAttribute('data-payload')).toMatch(/^DT1\./);
    await text(/蛇口 → 香港机场海天码头 船票/).waitFor();
    await shot('21-changed-ticket');
    const after = (await gql(`query($id: ID!) { order(id: $id) { tickets { code status tripId } } }`, { id: order.id })).data.order.tickets;
    expect(after).toEqual(expect.arrayContaining([
      { code: ticketCode, status: 'CHANGED', tripId: String(bus.id) },
      { code: newCode, status: 'ACTIVE', tripId: String(ferry.id) },
    ]));
  });

  it('shows each line of a pass and its use live: "已使用 HH:MM · terminal" as the merchant redeems', async () => {
    const rest = async (path: string, body: unknown, token: string | null) => {
      const res = await fetch(`${api.url}${path}`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
      });
      return (await res.json()) as any;
    };
    const o = await rest('/orders', { items: [{ product_id: 101, qty: 1 }] }, 'user123');
    await rest('/payments/notify', { order_id: o.order_id, gateway_txn_id: `E2E-PASS-${Date.now()}`, status: 'SUCCESS', amount: o.total_amount }, null);
    const tickets = (await gql(`query($id: ID!) { order(id: $id) { tickets { code shared } } }`, { id: String(o.order_id) })).data.order.tickets;
    const main = tickets.find((x: any) => !x.shared).code;

    await page.goto('about:blank');
    await page.goto(`${web.url}/#/pkg-tickets/ticket/index?code=${main}&orderId=${o.order_id}`);
    const qr = page.getByTestId('qr').filter({ visible: true });
    await qr.waitFor();
    await page.locator('.line-use').filter({ visible: true }).first().waitFor();
    expect(await page.locator('.line-use', { hasText: '待使用' }).filter({ visible: true }).count()).toBe(3);
    expect(await page.getByTestId('ticket-status').filter({ visible: true }).innerText()).toMatch(/^待使用 · /);

    // TurboJET's staff scans the code on screen and redeems the ferry line: the card changes without a reload.
    const payload = (await qr.getAttribute('data-payload'))!;
    const staff = (await gql(
      `mutation($input: StaffLoginInput!) { staffLogin(input: $input) { token } }`,
      { input: { terminalCode: 'TURBOJET-T1', terminalKey: 'demo-terminal-key', username: 'turbojet-staff', password: 'demo1234' } }, null,
    )).data.staffLogin.token;
    const scan = (await gql(`mutation($p: String!) { scanCode(payload: $p) { scanNonce tickets { id lines { id redeemable } } } }`, { p: payload }, staff)).data.scanCode;
    const t = scan.tickets[0];
    const red = await gql(`mutation($n: String!, $t: ID!, $l: ID!) { redeem(scanNonce: $n, ticketId: $t, lineId: $l) { id } }`,
      { n: scan.scanNonce, t: t.id, l: t.lines.find((l: any) => l.redeemable).id }, staff);
    expect(red.errors).toBeUndefined();
    await page.locator('.line-use', { hasText: /已使用 \d\d:\d\d · 喷射飞航 TurboJET 1号终端/ }).filter({ visible: true }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.line-use', { hasText: '待使用' }).filter({ visible: true }).count()).toBe(2);
    // The card's own status says the pass is partly used, not 待使用.
    expect(await page.getByTestId('ticket-status').filter({ visible: true }).innerText()).toMatch(/^部分已使用 · /);
    await shot('22-pass-lines-live');
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

  it('pays or cancels an unpaid order right from the orders list (取消订单 asks first, then frees the seat)', async () => {
    const trip = (await db.query(`SELECT id FROM trip WHERE product_id = 1 AND departure_at > now() + interval '3 hours' ORDER BY departure_at LIMIT 1`)).rows[0].id;
    const created = await gql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { id orderNo } }`, {
      input: { items: [{ productId: '1', tripId: String(trip) }], passengers: [{ name: '赵六', type: 'ADULT' }] },
    });
    const { id, orderNo } = created.data.createOrder;
    const lockedBefore = Number((await db.query('SELECT locked FROM trip WHERE id = $1', [trip])).rows[0].locked);
    await page.goto('about:blank');
    await page.goto(`${web.url}/#/pages/orders/index`);
    await page.getByTestId(`order-${orderNo}`).filter({ visible: true }).waitFor();
    // The order whose hold ended in the test before is not "to pay" any more (the expiry job has not run yet).
    await text(/支付超时，座位已释放 · /).waitFor();
    await text(/请在 \d\d:\d\d 前支付，逾时座位将释放/).waitFor();
    expect(await page.getByTestId(`pay-${orderNo}`).filter({ visible: true }).count()).toBe(1);
    await shot('24-orders-unpaid');

    // 取消订单 asks first; saying no keeps the order.
    await page.getByTestId(`cancel-${orderNo}`).filter({ visible: true }).click();
    await text('确定取消这个订单吗？座位将被释放。').waitFor();
    await shot('25-orders-cancel-confirm');
    await page.getByText('取消', { exact: true }).filter({ visible: true }).last().click();
    await text('确定取消这个订单吗？座位将被释放。').waitFor({ state: 'hidden' });
    expect((await db.query('SELECT status FROM orders WHERE id = $1', [Number(id)])).rows[0].status).toBe('PENDING');

    // Saying yes cancels it: the row says 已取消, its buttons are gone, the seat is free again.
    await page.getByTestId(`cancel-${orderNo}`).filter({ visible: true }).click();
    await page.getByText('确定', { exact: true }).filter({ visible: true }).last().click();
    await page.getByTestId(`order-${orderNo}`).filter({ visible: true, hasText: '已取消' }).waitFor();
    expect(await page.getByTestId(`cancel-${orderNo}`).filter({ visible: true }).count()).toBe(0);
    expect((await db.query('SELECT status, cancel_reason FROM orders WHERE id = $1', [Number(id)])).rows[0]).toEqual({ status: 'CANCELLED', cancel_reason: 'BY_TRAVELLER' });
    expect(Number((await db.query('SELECT locked FROM trip WHERE id = $1', [trip])).rows[0].locked)).toBe(lockedBefore - 1);
    await shot('26-orders-cancelled');
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
    // City names in English from the catalog.
    expect(await page.getByTestId('origin').filter({ visible: true }).innerText()).toContain('Shenzhen');
    expect(await page.getByTestId('destination').filter({ visible: true }).innerText()).toContain('Hong Kong');
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
