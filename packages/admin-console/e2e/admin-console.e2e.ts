/**
 * The admin console end to end: the built console in headless Chromium (Debian's), against the real
 * server on PostgreSQL and Redis started in this process (server/test/support/harness.ts).
 *
 *   pnpm --filter @deeptravel/admin-console test:e2e      (builds the console once, then runs this)
 *
 * Screenshots of every page go to docs/screenshots/admin/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it as nodeIt } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { hkDate, startTestServer, type TestServer } from '../../server/test/support/harness.js';
import { readFileSync } from 'node:fs';
import { addTrip } from '../../server/test/support/fixtures.js';
import { qrOf, scanAndRedeem, staffLogin } from '../../server/test/support/redemption-fixtures.js';
import type { MockPaymentGateway } from '../../server/src/modules/payments/mock/mock-gateway.js';
import { launchChromium } from './support/browser.js';
import { serveConsole } from './support/static-server.js';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/admin/', import.meta.url));
/** Where a failing step leaves a screenshot of the page (git-ignored). */
const FAILURES = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

const ROUTE_CODE = 'E2E-SK-MO';
const PRODUCT_NAME = '蛇口 → 澳门外港 船票（E2E）';
const SEARCH = `query($input: SearchOffersInput!) { searchOffers(input: $input) { offers { productId totalPrice priceLines { passengerType unitPrice count } trip { tripId departureAt } } } }`;
const PARTY = [{ type: 'ADULT', count: 2 }, { type: 'CHILD', count: 1 }];

let s: TestServer;
let web: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;
let adminToken: string;
let operatorToken: string;
const consoleErrors: string[] = [];

/** Admin API calls from the test itself (set-up and checks). */
async function api<T = any>(query: string, variables: Record<string, unknown> = {}, token = adminToken): Promise<T> {
  const r = await s.gql(query, variables, token);
  if (r.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

async function login(username: string, password: string): Promise<string> {
  const r = await s.gql(`mutation($u: String!, $p: String!) { adminLogin(username: $u, password: $p) { token } }`, { u: username, p: password }, null);
  return r.data.adminLogin.token;
}

/** A screenshot for docs/: the whole page, or only the window when a drawer or dialog is open. */
async function shot(name: string, { full = true } = {}): Promise<void> {
  // Toasts gone, tables loaded, charts and transitions settled.
  await page.waitForFunction(() => !document.querySelector('.ant-message-notice, .ant-spin-spinning'), undefined, { timeout: 6000 }).catch(() => undefined);
  await page.waitForTimeout(400);
  if (!full) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: full });
  // Nothing on screen is a raw API code (VALIDATION_FAILED, PER_PASSENGER …): every one has its Chinese words.
  const codes = (await page.evaluate(() => document.body.innerText)).match(/\b[A-Z]{2,}(?:_[A-Z]{2,})+\b/g);
  assert.equal(codes, null, `${name} shows ${codes?.join(', ')}`);
}

async function go(hashPath: string): Promise<void> {
  await page.goto(`${web.url}/#${hashPath}`);
  await page.waitForLoadState('networkidle');
}

/** Opens an antd Select (by its label, or its input), types to filter (search selects), picks the option with this text. */
async function choose(label: string | Locator, text: string, scope = page.locator('body')): Promise<void> {
  // One dropdown at a time: wait until the last one has finished closing.
  await page.waitForFunction(() => ![...document.querySelectorAll('.ant-select-dropdown')].some((e) => (e as HTMLElement).checkVisibility()));
  const input = typeof label === 'string' ? scope.getByLabel(label, { exact: true }) : label;
  await input.click();
  const id = await input.getAttribute('id');
  if ((await input.getAttribute('readonly')) === null) await page.keyboard.type(text);
  // The dropdown of this select (its listbox is `<id>_list`).
  const dropdown = page.locator('.ant-select-dropdown').filter({ has: page.locator(`[id="${id}_list"]`) });
  const option = dropdown.locator('.ant-select-item-option').filter({ hasText: text }).first();
  await option.waitFor();
  await page.waitForTimeout(250); // the opening animation
  await option.click();
  await dropdown.waitFor({ state: 'hidden' });
}

const button = (name: string) => page.getByRole('button', { name: new RegExp(name.split('').join('\\s*')) });

/** Today's paid sales, orders and conversion from adminMetrics. */
async function metrics() {
  const d = await api(`{ adminMetrics { salesByDay { date orders amount } conversion { created paid rate } ordersByStatus { key count } salesByProduct { productId amount orders } } }`);
  const m = d.adminMetrics;
  return {
    paidOrders: m.salesByDay.reduce((n: number, x: { orders: number }) => n + x.orders, 0) as number,
    sales: m.salesByDay.reduce((n: number, x: { amount: number }) => n + x.amount, 0) as number,
    created: m.conversion.created as number,
    paid: m.conversion.paid as number,
    raw: m,
  };
}

/** A test that leaves a screenshot of the page in test-artifacts/ when it fails. */
function it(name: string, fn: () => Promise<void>): void {
  nodeIt(name, async () => {
    try {
      await fn();
    } catch (err) {
      mkdirSync(FAILURES, { recursive: true });
      await page?.screenshot({ path: `${FAILURES}${name.slice(0, 40).replace(/[^\w\u4e00-\u9fff]+/g, '-')}.png`, fullPage: true }).catch(() => undefined);
      throw err;
    }
  });
}

describe('admin console (headless Chromium, real server on PostgreSQL)', () => {
  before(async () => {
    if (!existsSync(`${DIST}/index.html`)) throw new Error('Build the console first: pnpm --filter @deeptravel/admin-console build');
    mkdirSync(SHOTS, { recursive: true });
    s = await startTestServer({ env: { PAYMENT_GATEWAY: 'mock' } });
    web = await serveConsole(DIST, `${s.url}/graphql`);
    browser = await launchChromium();
    // An operator in Hong Kong or Shenzhen: the browser's clock is UTC+8 like the service's days.
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Hong_Kong' });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // API errors the console received (some are expected: a wrong password, a forged token, the operator's refusals).
    page.on('response', async (r) => {
      if (!r.url().endsWith('/graphql') || r.request().method() !== 'POST') return;
      const body = await r.text().catch(() => '');
      if (body.includes('"errors"')) console.log(`[api] ${JSON.parse(r.request().postData() ?? '{}').operationName}: ${body.slice(0, 300)}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') console.log(`[browser] ${m.text().slice(0, 400)}`);
    });
    adminToken = await login('admin', 'admin12345');
    operatorToken = await login('operator', 'operator12345');
  });

  after(async () => {
    await browser?.close();
    await web?.close();
    await s?.close();
  });

  it('logs in as an admin (a wrong password is refused in words); an invalid session goes back to the login page', async () => {
    await go('/dashboard');
    await page.waitForURL(/#\/login/);
    await shot('login');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('wrong-password');
    await button('登录').click();
    assert.equal((await page.getByTestId('login-error').textContent())?.trim(), '用户名或密码不正确。');
    await page.getByLabel('密码').fill('admin12345');
    await button('登录').click();
    await page.waitForURL(/#\/dashboard/);
    assert.equal(await page.getByTestId('role-tag').textContent(), '管理员');
    assert.equal(await page.getByTestId('playground-link').getAttribute('href'), `${s.url}/graphql`);

    // A token the server no longer accepts (UNAUTHENTICATED) ends the session.
    const saved = await page.evaluate(() => localStorage.getItem('deeptravel.admin.session'));
    await page.evaluate(() => {
      const v = JSON.parse(localStorage.getItem('deeptravel.admin.session')!);
      localStorage.setItem('deeptravel.admin.session', JSON.stringify({ ...v, token: 'v1.forged.token' }));
    });
    await go('/routes');
    await page.reload();
    await page.waitForURL(/#\/login/);
    await page.evaluate((v) => localStorage.setItem('deeptravel.admin.session', v!), saved);
    await page.reload();
    await page.waitForURL(/#\/routes/);
  });

  let routeId = '';
  let productId = '';
  /** Our product's offer in a traveller's search for tomorrow, 2 adults + 1 child. */
  const search = async () =>
    (await s.gql(SEARCH, { input: { date: hkDate(1), origin: 'SZX', destination: 'MFM', passengers: PARTY } })).data.searchOffers.offers.find(
      (o: { productId: string }) => o.productId === productId,
    ) as { totalPrice: number; trip: { tripId: string } };

  it('creates a route, a ticket product with a fare table and a schedule; a traveller search sees it at once', async () => {
    // Route.
    await go('/routes');
    await page.getByTestId('new-route').click();
    const dialog = page.getByRole('dialog', { name: '新建线路' });
    await dialog.getByLabel('线路代码').fill(ROUTE_CODE);
    await choose('出发站', '蛇口', dialog);
    await choose('到达站', '蛇口', dialog);
    await choose('承运商户', '蛇口邮轮', dialog);
    await dialog.getByLabel('行程时长（分钟）').fill('50');
    // The API refuses (VALIDATION_FAILED, field destinationId): the console says why under that field.
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    const fieldError = dialog.locator('.ant-form-item').filter({ hasText: '到达站' }).locator('.ant-form-item-explain-error');
    assert.equal(await fieldError.textContent(), '出发地与目的地不能相同');
    await page.getByText('填写的信息有误，请检查后重试。').waitFor();
    await shot('routes-field-error', { full: false });
    await choose('到达站', '澳门外港', dialog);
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('cell', { name: ROUTE_CODE }).waitFor();
    await shot('routes');
    routeId = (await api(`{ adminRoutes { id code } }`)).adminRoutes.find((r: { code: string }) => r.code === ROUTE_CODE).id;

    // Ticket product on it.
    await go('/products');
    await page.getByTestId('new-product').click();
    const drawer = page.getByRole('dialog', { name: '新建产品' });
    await drawer.getByLabel('名称', { exact: true }).fill(PRODUCT_NAME);
    await choose('线路', ROUTE_CODE, drawer);
    await choose('退改规则', '船票标准退改', drawer);
    await drawer.getByRole('button', { name: /保\s*存/ }).click();
    const fares = page.getByTestId('tier-editor');
    await fares.waitFor();
    productId = (await api(`{ adminProducts { id name } }`)).adminProducts.find((p: { name: string }) => p.name === PRODUCT_NAME).id;

    // Fare table, typed row by row: the second row starts as another adult tier from 1 → overlap shown at once.
    await button('添加一档').click();
    await fares.getByLabel('单价').nth(0).fill('188');
    await button('添加一档').click();
    await page.getByTestId('tier-problems').getByText('成人：1 人处两档重叠').waitFor();
    assert.equal(await fares.locator('tr.tier-row-bad').count(), 2);
    await shot('products-fares-overlap', { full: false });
    await choose(fares.getByLabel('旅客类型').nth(1), '儿童');
    await fares.getByLabel('单价').nth(1).fill('94');
    await fares.getByLabel('单价').nth(1).blur();
    await page.getByTestId('tier-problems').getByText('票价表完整').waitFor();
    assert.match((await page.getByTestId('party-price').textContent())!, /2 成人 \+ 1 儿童：¥470\.00/);
    await page.getByTestId('fares-save').click();
    await page.getByText('票价已保存').waitFor();
    await shot('products-fares', { full: false });

    // Schedule: 09:00 and 15:30 every day for 14 days from today.
    await go(`/trips?routeId=${routeId}`);
    await page.getByTestId('open-generator').click();
    const gen = page.getByTestId('schedule-generator');
    await gen.getByPlaceholder('08:30, 15:30').fill('09:00, 15:30');
    await gen.getByText('将生成 28 个班次（14 天 × 2 个时间）').waitFor();
    await page.getByTestId('schedule-submit').click();
    assert.equal((await page.getByTestId('schedule-result').textContent())?.trim(), '新建 28 个，已存在 0 个');
    await page.getByText('共 28 个班次').waitFor();
    await shot('trips-generator', { full: false });
    await page.keyboard.press('Escape');
    await gen.waitFor({ state: 'detached' });
    await shot('trips');

    // A traveller's search (through the API) sees it at once, priced for 2 adults + 1 child.
    const r = await s.gql(SEARCH, { input: { date: hkDate(1), origin: 'SZX', destination: 'MFM', passengers: PARTY } });
    const ours = r.data.searchOffers.offers.filter((o: { productId: string }) => o.productId === productId);
    assert.equal(ours.length, 2);
    assert.deepEqual(ours.map((o: { totalPrice: number }) => o.totalPrice), [47000, 47000]);
  });

  let paidOrder: { id: string; orderNo: string; totalAmount: number } = { id: '', orderNo: '', totalAmount: 0 };
  let before0: Awaited<ReturnType<typeof metrics>>;

  it('a price change shows in the search at once while an existing order keeps its snapshot', async () => {
    before0 = await metrics();
    const offer = await search();
    const passengers = [{ name: '张伟', type: 'ADULT' }, { name: '李娜', type: 'ADULT' }, { name: '张小宝', type: 'CHILD' }];
    const created = await s.gql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { id orderNo totalAmount } }`, {
      input: { items: [{ productId, tripId: offer.trip.tripId }], passengers },
    });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    paidOrder = created.data.createOrder;
    assert.equal(paidOrder.totalAmount, 47000);
    const paid = await s.rest('POST', '/payments/notify', { order_id: Number(paidOrder.id), gateway_txn_id: `E2E-ADM-${Date.now()}`, status: 'SUCCESS', amount: paidOrder.totalAmount }, null);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    // A second order stays unpaid (the conversion on the dashboard is then one in two).
    const pending = await s.gql(`mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }`, { input: { items: [{ productId, tripId: offer.trip.tripId }], passengers: passengers.slice(0, 1) } }, 'user456');
    assert.equal(pending.errors, undefined, JSON.stringify(pending.errors));

    // The adult fare goes from ¥188 to ¥208 in the console.
    await go(`/products?id=${productId}`);
    const fares = page.getByTestId('tier-editor');
    await fares.getByLabel('单价').nth(0).fill('208');
    await fares.getByLabel('单价').nth(0).blur();
    assert.match((await page.getByTestId('party-price').textContent())!, /2 成人 \+ 1 儿童：¥510\.00/);
    await page.getByTestId('fares-save').click();
    await page.getByText('票价已保存').waitFor();

    assert.equal((await search()).totalPrice, 51000);
    const order = await s.gql(`query($id: ID!) { order(id: $id) { totalAmount lines { passengerType unitPrice } } }`, { id: paidOrder.id });
    assert.equal(order.data.order.totalAmount, 47000);
    assert.deepEqual(order.data.order.lines.map((l: { unitPrice: number }) => l.unitPrice).sort(), [18800, 9400].sort());

    // The console's order page shows the snapshot as sold.
    await go(`/orders?q=${paidOrder.orderNo}`);
    await page.getByRole('cell', { name: paidOrder.orderNo }).click();
    await page.getByTestId('order-page').waitFor();
    await button('查看快照').click();
    const drawer = page.getByTestId('order-drawer');
    await drawer.waitFor();
    const lines = await drawer.getByTestId('snapshot-lines').first().textContent();
    assert.match(lines!, /¥188\.00/);
    assert.doesNotMatch(lines!, /¥208\.00/);
    assert.match((await drawer.textContent())!, /已支付/);
    await shot('orders-detail', { full: false });
  });

  it('the dashboard shows what the test did, the same figures as adminMetrics', async () => {
    const now = await metrics();
    assert.equal(now.paidOrders, before0.paidOrders + 1);
    assert.equal(now.sales, before0.sales + 47000);
    assert.equal(now.created, before0.created + 2);
    assert.equal(now.paid, before0.paid + 1);
    await go('/dashboard');
    const stat = (id: string) => page.getByTestId(id).getAttribute('data-value');
    await page.waitForFunction((n) => document.querySelector('[data-testid="stat-paid-orders"]')?.getAttribute('data-value') === String(n), now.paidOrders);
    assert.equal(await stat('stat-paid-orders'), String(now.paidOrders));
    assert.equal(await stat('stat-sales-total'), `¥${(now.sales / 100).toFixed(2)}`);
    assert.equal(await stat('stat-conversion'), `${((Math.round((now.paid / now.created) * 1000) / 1000) * 100).toFixed(1)}%`);
    const productRow = page.getByTestId('sales-by-product').getByRole('row').filter({ hasText: PRODUCT_NAME });
    assert.match((await productRow.textContent())!, /¥470\.00/);
    // It polls: a payment made now shows without reloading (within the 10 s period).
    const more = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, 'user123');
    await s.rest('POST', '/payments/notify', { order_id: more.body.order_id, gateway_txn_id: `E2E-ADM-POLL-${Date.now()}`, status: 'SUCCESS', amount: more.body.total_amount }, null);
    await page.waitForFunction((n) => document.querySelector('[data-testid="stat-paid-orders"]')?.getAttribute('data-value') === String(n), now.paidOrders + 1, { timeout: 15_000 });
    await shot('dashboard');
  });

  it('the audit log shows each change with its diff', async () => {
    await go(`/audit?entityType=product&entityId=${productId}`);
    await page.getByText('共 3 条').waitFor(); // created, fares set, fares changed
    const rows = page.locator('.ant-table-tbody > tr.ant-table-row');
    assert.deepEqual(await rows.locator('td:nth-child(4)').allTextContents(), ['设置票价', '设置票价', '新建']);
    await rows.first().click();
    const diff = page.getByTestId('audit-diff').first();
    await diff.waitFor();
    // Only the adult tier changed: ¥188 → ¥208 (the child tier is the same and hidden).
    assert.equal(await diff.locator('tbody tr').count(), 1);
    assert.equal(await diff.locator('.diff-before').textContent(), '成人 1–不限 人 ¥188.00');
    assert.equal(await diff.locator('.diff-after').textContent(), '成人 1–不限 人 ¥208.00');
    await go('/audit');
    await page.getByText('操作人').first().waitFor();
    await rows.filter({ hasText: '生成班次' }).first().waitFor();
    const all = (await page.locator('.ant-table-tbody').textContent())!;
    for (const what of [`线路 #${routeId}`, `产品 #${productId}`, '生成班次']) assert.ok(all.includes(what), `audit lists ${what}`);
    await rows.filter({ hasText: '生成班次' }).first().click();
    await shot('audit');
  });

  it('registers a terminal: the one-time key and its QR are shown, staff can log in with it, and an enrolment code works', async () => {
    await go('/merchants?m=1');
    await button('登记终端').click();
    const dialog = page.getByRole('dialog', { name: '登记核销终端' });
    await dialog.getByLabel('终端代码').fill('E2E-GATE1');
    await dialog.getByLabel('名称').fill('E2E 闸口');
    await dialog.getByRole('button', { name: /登\s*记/ }).click();
    const keyBox = page.getByTestId('terminal-key');
    await keyBox.waitFor();
    const key = (await keyBox.locator('code').nth(1).textContent())!.trim();
    assert.ok(key.length >= 16, key);
    assert.ok(await keyBox.locator('img.qr-img').isVisible());
    await shot('merchants-terminal-key', { full: false });
    const token = await staffLogin(s, 'cks-staff', 'E2E-GATE1', 'demo1234', key);
    assert.ok(token);
    await button('我已保存密钥').click();

    // The merchant app's way: a one-time enrolment code (DTE1.<code> as a QR) that the device trades for a key.
    await page.getByRole('row').filter({ hasText: 'E2E-GATE1' }).getByRole('button', { name: /激活码/ }).click();
    const enrol = page.getByTestId('enrolment-code');
    await enrol.waitFor();
    const code = (await enrol.locator('code').nth(1).textContent())!.trim();
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await shot('merchants-enrolment', { full: false });
    const enrolled = await s.gql(`mutation($c: String!) { enrolTerminal(code: $c) { terminalCode terminalKey } }`, { c: code }, null);
    assert.equal(enrolled.data?.enrolTerminal.terminalCode, 'E2E-GATE1', JSON.stringify(enrolled.errors));
    await button('完成').click();
  });

  it('every other page renders in Chinese (screenshots)', async () => {
    await go('/cities');
    await page.getByRole('cell', { name: 'xianggang' }).waitFor();
    await shot('cities');

    await go('/templates');
    await page.getByText('3-in-1').first().waitFor();
    await shot('templates');

    // A blackout date added on the year view.
    const year = Number(hkDate(0).slice(0, 4)) + 1;
    await go(`/blackouts?year=${year}`);
    await page.locator(`[data-date="${year}-02-10"]`).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('原因').fill('春节前检修停航');
    await dialog.getByRole('button', { name: /添加禁售/ }).click();
    await page.getByText('已添加禁售日').waitFor();
    await page.keyboard.press('Escape');
    await page.locator(`[data-date="${year}-02-10"].blackout`).waitFor();
    await shot('blackouts');

    // Refund rule editor with its preview.
    await go('/refund-rules');
    await page.getByRole('row').filter({ hasText: '船票标准退改' }).getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByTestId('refund-sentence').getByText('出发前30小时退票：手续费 ¥26.00，退回 ¥234.00').waitFor();
    await shot('refund-rules-edit', { full: false });
    await page.keyboard.press('Escape');

    // A promotion through its form (percent off, a window, every product).
    await go('/promotions');
    await button('新建优惠').click();
    const promo = page.getByRole('dialog', { name: '新建优惠' });
    await promo.getByLabel('优惠码').fill('SPRING10');
    await promo.getByLabel('名称').fill('春季出行 9 折');
    await promo.getByLabel('减免比例（%）').fill('10');
    await promo.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('cell', { name: 'SPRING10' }).waitFor();
    assert.match((await page.getByRole('row').filter({ hasText: 'SPRING10' }).textContent())!, /减 10%.*进行中/);
    await shot('promotions');

    // GTFS: upload a feed, read the report, confirm.
    await go('/gtfs');
    await choose('承运商户', '喷射飞航');
    const ymd = (d: string) => d.replace(/-/g, '');
    const feed: Record<string, string> = {
      'stops.txt': 'stop_id,stop_name,stop_lat,stop_lon\nMO-OUTER,Macau Outer Harbour,22.19,113.55\nHK-SHEUNGWAN,Sheung Wan,22.28,114.15\n',
      'routes.txt': 'route_id,agency_id,route_short_name,route_long_name,route_type\nTJ9,TJ,TJ9,澳门 → 上环 夜航,4\n',
      'trips.txt': 'route_id,service_id,trip_id\nTJ9,ALL,TJ9-2215\n',
      'stop_times.txt': 'trip_id,arrival_time,departure_time,stop_id,stop_sequence\nTJ9-2215,22:15:00,22:15:00,MO-OUTER,1\nTJ9-2215,23:20:00,23:20:00,HK-SHEUNGWAN,2\n',
      'calendar.txt': `service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nALL,1,1,1,1,1,1,1,${ymd(hkDate(1))},${ymd(hkDate(7))}\n`,
    };
    await page.locator('input[type=file]').setInputFiles(Object.entries(feed).map(([name, content]) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(content) })));
    await button('预检（不写入）').click();
    await page.getByText('预检通过：确认后导入').waitFor();
    await button('确认导入').click();
    await page.getByText('已导入', { exact: true }).first().waitFor();
    assert.match((await page.locator('.ant-descriptions').textContent())!, /新线路1/);
    await shot('gtfs');

    // A flagged payment: the gateway says an amount that is not the order's.
    const o = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, 'user456');
    await s.rest('POST', '/payments/notify', { order_id: o.body.order_id, gateway_txn_id: `E2E-MISMATCH-${Date.now()}`, status: 'SUCCESS', amount: o.body.total_amount + 1 }, null);
    await go('/payment-anomalies');
    await page.getByText('金额与订单不符').waitFor();
    await shot('payment-anomalies');
    // Resolved with what was done (a reason), then gone from the open list; the API agrees.
    await page.getByRole('button', { name: /标记已处理/ }).first().click();
    await page.getByRole('dialog').getByTestId('reason-input').fill('已在商户平台原路退回多付的 1 分');
    await shot('payment-anomaly-resolve');
    await page.getByRole('dialog').getByRole('button', { name: /确\s*认/ }).click();
    await page.getByText(/标记支付异常已处理.*已完成/).waitFor();
    const anomalies = (await api(`{ adminPaymentAnomalies(unresolvedOnly: false) { kind resolved resolvedBy resolutionNote } }`)).adminPaymentAnomalies;
    assert.ok(anomalies.some((a: { kind: string; resolved: boolean; resolvedBy: string; resolutionNote: string }) => a.kind === 'AMOUNT_MISMATCH' && a.resolved && a.resolvedBy === 'admin:admin' && a.resolutionNote === '已在商户平台原路退回多付的 1 分'));

    await go('/settings');
    await page.getByLabel('座位保留时长（分钟）').waitFor();
    await shot('settings');

  });

  it('orders: found by ticket code; the order page; a refund retried with a reason shows in the audit log; CSV of the filter', async () => {
    // A trip order whose refund failed at the gateway.
    const trip = await addTrip(s, 40, 72, 1);
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 1, trip_id: trip, qty: 1 }], passengers: [{ name: '王芳', passenger_type: 'ADULT', phone: '13912345678' }] }, 'user123')).body;
    const txn = `4200002${String(Date.now()).slice(-10)}00000000001`;
    const paid = await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: txn, status: 'SUCCESS', amount: o.total_amount }, null);
    const code = paid.body.tickets_issued[0].ticket_code as string;
    const gw = s.app.services.paymentGateway as MockPaymentGateway;
    gw.failRefunds = true;
    await s.gql(`mutation($o: ID!, $c: [String!]) { requestRefund(orderId: $o, ticketCodes: $c) { id } }`, { o: String(o.order_id), c: [code] }, 'user123');
    await s.app.outbox.drain();
    gw.failRefunds = false;

    // Found by its ticket code (the console says what it matched), then its page.
    await go('/orders');
    await page.getByTestId('order-search').locator('input').fill(code);
    await page.getByTestId('order-search').locator('input').press('Enter');
    await page.getByTestId('order-search-matched').getByText(/按票号查找/).waitFor();
    assert.match(page.url(), new RegExp(`q=${code}`));
    await page.getByRole('cell', { name: o.out_trade_no }).click();
    await page.getByTestId('order-page').waitFor();
    assert.match(page.url(), new RegExp(`#/orders/${o.order_id}$`));
    await page.getByTestId('order-payments').getByText(txn).waitFor();
    await page.getByTestId('order-tickets').getByText(code).waitFor();
    await page.getByTestId('order-refunds').getByText('失败').waitFor();
    assert.match((await page.getByTestId('order-history').textContent())!, /订单 #\d+待处理 → 已支付/);
    await shot('order-page-failed-refund');

    // Retry the refund: a reason is required, then it goes through and the page shows it.
    await page.getByTestId('order-refunds').getByRole('button', { name: /重试退款/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: /确\s*认/ }).click();
    await dialog.getByText('请填写原因').waitFor();
    await dialog.getByTestId('reason-input').fill('网关已恢复，按旅客要求重试');
    await shot('order-action-reason', { full: false });
    await dialog.getByRole('button', { name: /确\s*认/ }).click();
    await page.getByText(/重试退款.*已完成，已记入操作日志/).waitFor();
    await s.app.outbox.drain();
    await page.reload();
    await page.getByTestId('order-refunds').getByText('已退款').waitFor();
    assert.match((await page.getByTestId('order-history').textContent())!, /后台 admin/);
    await shot('order-page');

    // The audit log has it, with the reason.
    await go('/audit?entityType=refund');
    const row = page.locator('.ant-table-tbody > tr.ant-table-row').filter({ hasText: '重试退款' }).first();
    await row.waitFor();
    await row.click();
    await page.getByTestId('audit-diff').first().getByText('网关已恢复，按旅客要求重试').waitFor();
    await shot('audit-operator-action', { full: false });

    // CSV of exactly what the filter shows: every page (1 a page here), not only the one on screen.
    const expected = (await api(`{ adminOrders(status: "PAID", limit: 500) { total items { orderNo } } }`)).adminOrders;
    assert.ok(expected.total >= 2, `paid orders: ${expected.total}`);
    await go('/orders?status=PAID&pageSize=1&sort=totalAmount%3AASC');
    await page.getByText(`共 ${expected.total} 个订单`).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('orders-export').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(csv[0].split(',')[0], '订单号');
    assert.equal(csv.length - 1, expected.total);
    assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]).sort(), expected.items.map((x: { orderNo: string }) => x.orderNo).sort());
    assert.ok(csv.slice(1).every((l) => l.includes('已支付')));
    const amounts = csv.slice(1).map((l) => Number(l.split(',')[3]));
    assert.deepEqual(amounts, [...amounts].sort((a, b) => a - b), 'sorted on the server as on screen');

    // The filter saved as a named view, and kept when coming back through the menu.
    await page.getByTestId('saved-view-name').fill('已支付·金额升序');
    await page.getByTestId('saved-view-save').click();
    await go('/dashboard');
    await page.getByRole('menuitem', { name: /订单$/ }).first().click();
    await page.waitForURL(/status=PAID/);
    assert.match(page.url(), /sort=totalAmount/);
    await page.getByTestId('saved-views').getByText('已支付·金额升序').waitFor();
    await shot('orders');
  });

  it('a package order page with its redemptions and an offline conflict resolved with a reason; live redemptions on the dashboard', async () => {
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, 'user123')).body;
    await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `E2E-PKG-${Date.now()}`, status: 'SUCCESS', amount: o.total_amount }, null);
    const detail = (await api(`query($id: ID) { adminOrder(id: $id) { tickets { id code lines { id name } } } }`, { id: String(o.order_id) })).adminOrder;
    const ticket = detail.tickets[0];
    await go('/dashboard');
    await page.getByTestId('live-redemptions').waitFor();
    const staff = await staffLogin(s, 'turbojet-staff', 'TURBOJET-T1');
    await scanAndRedeem(s, staff, await qrOf(s, ticket.code, 'user123'));
    // Live: the redemption shows on the dashboard without a reload (polled every 5 s).
    await page.getByTestId('live-redemptions').getByText(ticket.code).waitFor({ timeout: 12_000 });
    await shot('dashboard-live-redemptions');

    const [term] = await s.app.db.query<{ id: number; merchantId: number; staffId: number }>(
      `SELECT t.id, t.merchant_id AS "merchantId", st.id AS "staffId" FROM terminal t JOIN merchant_staff st ON st.merchant_id = t.merchant_id WHERE t.code = 'TURBOJET-T2' LIMIT 1`,
    );
    await s.app.db.query(
      `INSERT INTO redemption_conflict (merchant_id, ticket_id, ticket_line_id, terminal_id, staff_id, scan_nonce, scanned_at, reason, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now(), 'ALREADY_REDEEMED', now(), now())`,
      [term.merchantId, Number(ticket.id), Number(ticket.lines[0].id), term.id, term.staffId, `e2e-${Date.now()}`],
    );
    await go(`/orders/${o.order_id}`);
    await page.getByTestId('order-redemptions').getByText('TURBOJET-T1').waitFor();
    await page.getByTestId('order-conflicts').getByText('待处理').waitFor();
    await page.getByTestId('order-conflicts').getByRole('button', { name: /处\s*理/ }).click();
    await page.getByRole('dialog').getByTestId('reason-input').fill('同一旅客两闸机重复扫码，已核实');
    await page.getByRole('dialog').getByRole('button', { name: /确\s*认/ }).click();
    await page.getByTestId('order-conflicts').getByText('已处理').waitFor();
    await page.getByTestId('order-conflicts').getByText(/后台 admin：同一旅客两闸机重复扫码/).waitFor();
    await shot('order-page-package');
  });

  it('trips sorted on the server and exported; in a calendar; bulk actions; reconciliation differences; accounts', async () => {
    // Sorted by seats left on the server (the column header), and the CSV has every page in that order.
    await go(`/trips?routeId=${routeId}&pageSize=10`);
    await page.getByText('共 28 个班次').waitFor();
    await page.getByRole('columnheader', { name: '余票' }).click();
    await page.waitForURL(/sort=available%3AASC/);
    // The page has re-rendered with the sort (the header shows it), so the export below uses it too.
    await page.locator('th[aria-sort="ascending"]').filter({ hasText: '余票' }).waitFor();
    const sorted = (await api(`query($r: ID) { adminTrips(routeId: $r, sort: "available:ASC", limit: 500) { items { departureAt available } } }`, { r: routeId })).adminTrips.items;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('trips-export').click()]);
    const tripCsv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(tripCsv.length - 1, 28);
    assert.deepEqual(tripCsv.slice(1).map((l) => Number(l.split(',')[6])), sorted.map((t: { available: number }) => t.available));

    const month = hkDate(3).slice(0, 7);
    await go(`/trips?view=calendar&routeId=${routeId}&month=${month}`);
    const day = hkDate(3);
    await page.getByTestId(`trip-day-${day}`).getByText(/2 班/).waitFor();
    await shot('trips-calendar');
    await page.getByTestId(`trip-day-${day}`).click();
    await page.getByTestId('trip-day-list').getByRole('row').nth(2).waitFor();
    assert.equal(await page.getByTestId('trip-day-list').locator('tbody tr.ant-table-row').count(), 2);
    await shot('trips-calendar-day', { full: false });
    await page.keyboard.press('Escape');

    // Bulk: take two products off sale (with a confirm), then back.
    const enabledOf = async () => Object.fromEntries((await api(`{ adminProducts { id enabled } }`)).adminProducts.map((p: { id: string; enabled: boolean }) => [p.id, p.enabled]));
    await go('/products');
    const rowOf = (id: string) => page.locator(`.ant-table-tbody tr[data-row-key="${id}"]`);
    for (const id of [productId, '101']) await rowOf(id).locator('.ant-checkbox-input').check();
    await page.getByTestId('bulk-disable').click();
    await page.getByText('下架选中的 2 个产品？').waitFor();
    await shot('products-bulk', { full: false });
    await page.locator('.ant-popconfirm').getByRole('button', { name: /下\s*架/ }).click();
    await page.getByText('2 个产品已下架').waitFor();
    assert.deepEqual([(await enabledOf())[productId], (await enabledOf())['101']], [false, false]);
    for (const id of [productId, '101']) await rowOf(id).locator('.ant-checkbox-input').check();
    await page.getByTestId('bulk-enable').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /上\s*架/ }).click();
    await page.getByText('2 个产品已上架').waitFor();
    assert.deepEqual([(await enabledOf())[productId], (await enabledOf())['101']], [true, true]);
    const audit = (await api(`query($id: String) { adminAuditLog(entityType: "product", entityId: $id) { items { action } } }`, { id: productId })).adminAuditLog.items;
    assert.deepEqual(audit.slice(0, 2).map((a: { action: string }) => a.action), ['update', 'update']);

    // A difference from a day's bill, resolved with a reason.
    await s.app.db.query(
      `INSERT INTO reconciliation_difference (bill_date, subject, kind, key, order_no, ours, theirs, resolved, created_at, updated_at)
       VALUES ($1::date, 'PAYMENT', 'AMOUNT_MISMATCH', '4200009999000011112222', 'DT0000000000000001', '{"amount": 26000, "status": "SUCCEEDED"}', '{"amount": 25000, "state": "SUCCESS"}', false, now(), now())`,
      [hkDate(-1)],
    );
    await go('/reconciliation');
    await page.getByTestId('reconciliation-table').getByText('金额不一致').waitFor();
    await shot('reconciliation');
    await page.getByTestId('reconciliation-table').getByRole('button', { name: /处\s*理/ }).click();
    await page.getByRole('dialog').getByTestId('reason-input').fill('银行手续费差额，已与财务确认');
    await page.getByRole('dialog').getByRole('button', { name: /确\s*认/ }).click();
    await page.getByText(/处理差异.*已完成/).waitFor();

    await api(`mutation { adminCreateAccount(username: "e2e.temp", password: "e2e-temp-12345", role: "OPERATOR") { id } }`);
    await go('/accounts');
    await page.getByRole('cell', { name: 'operator', exact: true }).waitFor();
    await shot('accounts');
    // Disabled with a reason: the API shows it disabled.
    await page.getByRole('row', { name: /e2e\.temp/ }).getByRole('button', { name: /停\s*用/ }).click();
    await page.getByRole('dialog').getByTestId('reason-input').fill('临时账号，测试结束');
    await page.getByRole('dialog').getByRole('button', { name: /确\s*认/ }).click();
    await page.getByText(/停用账号 e2e\.temp.*已完成/).waitFor();
    const accounts = (await api(`{ adminAccounts { username enabled } }`)).adminAccounts;
    assert.deepEqual(accounts.find((a: { username: string }) => a.username === 'e2e.temp'), { username: 'e2e.temp', enabled: false });
    await page.getByRole('row', { name: /e2e\.temp/ }).getByText('停用', { exact: true }).waitFor();
    await shot('accounts-disabled');
  });

  it('a read-only operator sees no edit actions, and the API refuses their edits', async () => {
    await button('退出').click();
    await page.waitForURL(/#\/login/);
    await page.getByLabel('用户名').fill('operator');
    await page.getByLabel('密码').fill('operator12345');
    await button('登录').click();
    await page.waitForURL(/#\/dashboard/);
    assert.equal(await page.getByTestId('role-tag').textContent(), '只读运营');

    await go('/routes');
    await page.getByRole('cell', { name: ROUTE_CODE }).waitFor();
    assert.equal(await page.getByTestId('new-route').count(), 0);
    assert.equal(await page.getByRole('button', { name: /编\s*辑/ }).count(), 0);

    await go(`/products?id=${productId}`);
    await page.getByTestId('tier-editor').waitFor();
    assert.equal(await page.getByTestId('fares-save').count(), 0);
    assert.equal(await button('添加一档').count(), 0);
    assert.ok(await page.getByTestId('tier-editor').getByLabel('单价').first().isDisabled());
    await shot('operator-products', { full: false });

    await go(`/trips?routeId=${routeId}`);
    await page.getByText('共 28 个班次').waitFor();
    assert.equal(await page.getByTestId('open-generator').count(), 0);
    assert.equal(await page.getByRole('button', { name: /编\s*辑/ }).count(), 0);
    await go('/merchants?m=1');
    await page.getByText('E2E-GATE1').waitFor();
    assert.equal(await button('登记终端').count(), 0);
    assert.equal(await page.getByRole('switch').count(), 0);

    // The server enforces it all the same.
    const refused = [
      await s.gql(`mutation($p: ID!) { adminSetFareTiers(productId: $p, tiers: [{ passengerType: ADULT, minQty: 1, unitPrice: 1 }]) }`, { p: productId }, operatorToken),
      await s.gql(`mutation($r: ID!) { adminGenerateTrips(input: { routeId: $r, fromDate: "${hkDate(20)}", toDate: "${hkDate(21)}", times: ["10:00"], capacity: 10 }) { created } }`, { r: routeId }, operatorToken),
      await s.gql(`mutation { adminUpsertRoute(input: { code: "NOPE", mode: "BUS", originId: 1, destinationId: 2, operatorId: 1, durationMinutes: 10, enabled: true }) }`, {}, operatorToken),
    ];
    assert.deepEqual(refused.map((r) => r.errors?.[0]?.extensions?.code), ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    assert.equal((await search()).totalPrice, 51000);
  });

  it('no page threw and no screen showed a raw error code', async () => {
    assert.deepEqual(consoleErrors, []);
  });
});

