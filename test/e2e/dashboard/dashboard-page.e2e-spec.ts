import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { call } from '../../support/api-harness';
import { buildDashboardBundle, startLiveStack, type LiveStack } from './support/live-stack';
import { expectedAmount, expectedNumbers, readNumbers } from './support/page-reader';

// Browser globals inside page.evaluate callbacks (the test project has no DOM lib).
declare const document: any, window: any, sessionStorage: any, localStorage: any;

/** Short, so the test sees a stall; the page re-reads after 3 s without a change notification. */
const STALL_AFTER_MS = 2_000;
const QUIET_MS = 3_000;

/** Gitignored; README "Dashboard" names it. */
const SCREENSHOTS = join(__dirname, 'screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describe('Dashboard page in Chromium', () => {
  let stack: LiveStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  const key = (scope: 'dashboard:read' | 'admin' | 'payments:write') => stack.api.keys[scope];
  const command = (path: string, body: unknown) =>
    call(stack.api, 'POST', path, { key: key('payments:write'), body, headers: { 'idempotency-key': randomUUID() } });
  async function pay(provider: string, amount: number, currency: string, outcome: 'succeed' | 'fail' | 'refund') {
    const paymentId = `page_${randomUUID().slice(0, 8)}`;
    expect((await command('/v1/payments', { paymentId, provider, amount, currency, customerId: 'cus_page' })).status).toBe(201);
    expect((await command(`/v1/payments/${paymentId}/processing`, {})).status).toBe(200);
    if (outcome === 'fail') {
      expect((await command(`/v1/payments/${paymentId}/failure`, { errorCode: 'card_declined', processingTimeMs: 800 })).status).toBe(200);
      return paymentId;
    }
    expect((await command(`/v1/payments/${paymentId}/success`, { processingTimeMs: 250 })).status).toBe(200);
    if (outcome === 'refund') expect((await command(`/v1/payments/${paymentId}/refunds`, { amount: 500 })).status).toBe(201);
    return paymentId;
  }
  const api = (path: string) => call(stack.api, 'GET', path, { key: key('dashboard:read') });
  const untilProjected = async (total: number) => {
    for (let i = 0; i < 400 && (await api('/v1/dashboard/payments')).body.metrics.counts.total < total; i++)
      await new Promise((r) => setTimeout(r, 25));
  };

  async function signIn(withKey: string) {
    await page.goto(`${stack.api.baseUrl}/dashboard`);
    await page.fill('#api-key', withKey);
    await page.press('#api-key', 'Enter');
  }

  /** The page's numbers once they match what the API says for the same filter (the page may still be loading). */
  async function expectPageMatchesApi(query: string) {
    const res = await api(`/v1/dashboard/payments${query}`);
    expect(res.status).toBe(200);
    const expected = expectedNumbers(res.body);
    await page
      .waitForFunction(
        (want) => {
          const got = Object.fromEntries(
            [...document.querySelectorAll('#metrics [data-testid], #breakdown [data-testid]')]
              .filter((e: any) => e.children.length === 0)
              .map((e: any) => [e.getAttribute('data-testid'), e.textContent?.trim()]),
          );
          return Object.entries(want).every(([k, v]) => got[k] === v);
        },
        expected,
        { timeout: 5_000 },
      )
      .catch(() => undefined);
    const shown = await readNumbers(page);
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, shown[k]]))).toEqual(expected);
    return res.body;
  }

  beforeAll(async () => {
    buildDashboardBundle();
    stack = await startLiveStack({ ALERT_RULES: 'min_decisions=4', PROJECTION_STALL_AFTER: `${STALL_AFTER_MS}ms` });
    await pay('stripe', 1999, 'USD', 'succeed');
    await pay('stripe', 2500, 'USD', 'refund');
    await pay('stripe', 5000, 'JPY', 'succeed');
    await pay('paystack', 12345, 'KWD', 'succeed');
    await pay('paystack', 700, 'USD', 'succeed');
    await untilProjected(5);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('refuses a wrong key and keeps the board hidden', async () => {
    await signIn('lk_not_a_real_key_0123456789');
    await page.waitForSelector('#sign-in-error:has-text("refused")');
    expect(await page.isHidden('#board')).toBe(true);
    await signIn(key('payments:write'));
    await page.waitForSelector('#sign-in-error:has-text("dashboard:read")');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // Chromium logs every refused request itself; those two are the refusals this test asked for, and nothing else may be.
    expect(consoleErrors).toEqual([
      expect.stringContaining('status of 401 (Unauthorized)'),
      expect.stringContaining('status of 403 (Forbidden)'),
    ]);
    consoleErrors.length = 0;
  });

  it('signs in with a dashboard:read key, kept in sessionStorage only, and shows the API numbers for two filters', async () => {
    await signIn(key('dashboard:read'));
    await page.waitForSelector('#live[data-state="live"]');
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie])).toEqual([1, 0, '']);
    expect(page.url()).toBe(`${stack.api.baseUrl}/dashboard`);
    const all = await expectPageMatchesApi('');
    expect(await page.textContent('[data-testid="volume-KWD-succeeded"]')).toBe('12.345 KWD');
    expect(await page.textContent('[data-testid="volume-JPY-succeeded"]')).toBe('5,000 JPY');
    expect(all.metrics.counts.total).toBe(5);

    await page.selectOption('#filter-provider', 'stripe');
    await page.selectOption('#filter-currency', 'USD');
    const stripeUsd = await expectPageMatchesApi('?provider=stripe&currency=USD');
    expect(stripeUsd.metrics.counts.total).toBe(2);
    expect(await page.textContent('[data-testid="volume-USD-net"]')).toBe(expectedAmount(3999, 'USD'));
    expect(await page.$('[data-acknowledge]')).toBeNull();
  });

  it('buckets volume by hour over a picked range, as GET /v1/dashboard/volume does', async () => {
    const today = new Date().toISOString().slice(0, 10);
    await page.selectOption('#volume-granularity', 'hour');
    await page.fill('#volume-from', today);
    await page.fill('#volume-to', today);
    await page.dispatchEvent('#volume-to', 'change');
    const from = `${today}T00:00:00.000Z`;
    const to = new Date(Date.parse(from) + 86_400_000).toISOString();
    const res = await api(`/v1/dashboard/volume?granularity=hour&provider=stripe&currency=USD&from=${from}&to=${to}`);
    expect(res.body.length).toBeGreaterThan(0);
    const rows = res.body.map((b: { count: number; volume: string }) => [String(b.count), expectedAmount(b.volume, 'USD')]);
    await page.waitForSelector('[data-testid="volume-table"] caption:has-text("per hour")', { state: 'attached' });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="volume-table"] tbody tr').length === n, rows.length);
    const shown = await page.$$eval('[data-testid="volume-table"] tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)),
    );
    expect(shown).toEqual(rows);
  });

  it('shows a payment created through the API within 2 s of its commit, without a reload', async () => {
    const before = Number((await page.textContent('[data-testid="count-total"]'))!.replace(/,/g, ''));
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const created = Date.now();
    const paymentId = await pay('stripe', 4200, 'USD', 'succeed');
    await page.waitForFunction((n) => document.querySelector('[data-testid="count-total"]')?.textContent === String(n), before + 1, {
      timeout: 2_000,
    });
    await page.waitForSelector(`#events code:has-text("${paymentId}")`, { timeout: 2_000 });
    expect(Date.now() - created).toBeLessThan(2_000 + 500); // the three API calls themselves, then at most 2 s
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await expectPageMatchesApi('?provider=stripe&currency=USD');
  });

  it('turns the provider card and raises an alert on a failure burst; an admin acknowledges it', async () => {
    await page.click('#sign-out');
    await signIn(key('admin'));
    await page.waitForSelector('#live[data-state="live"]');
    await page.waitForSelector('[data-testid="health-stripe"][data-status="healthy"]');
    for (let i = 0; i < 5; i++) await pay('stripe', 1000 + i, 'USD', 'fail');
    await page.waitForSelector('[data-testid="health-stripe"][data-status="unhealthy"]', { timeout: 5_000 });
    expect(await page.getAttribute('[data-testid="health-paystack"]', 'data-status')).not.toBe('unhealthy');
    const button = await page.waitForSelector('.alert:has-text("failure_rate") [data-acknowledge]', { timeout: 10_000 });
    const alertId = (await button.getAttribute('data-acknowledge'))!;
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop.png'), fullPage: true });
    await page.focus(`[data-acknowledge="${alertId}"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-acknowledge="${alertId}"]`, { state: 'detached', timeout: 5_000 });
    const acknowledged = await call(stack.api, 'GET', '/v1/alerts?status=acknowledged', { key: key('dashboard:read') });
    expect(acknowledged.body.alerts.map((a: { id: string }) => a.id)).toContain(alertId);
  });

  async function seriousViolations(on: Page): Promise<string[]> {
    await on.evaluate(AXE);
    const results = await on.evaluate(() => (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run());
    const violations = (results as { violations: { id: string; impact: string }[] }).violations;
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  }

  it('has no serious or critical accessibility violations (axe-core), signed in as admin and on the sign-in form', async () => {
    expect(await seriousViolations(page)).toEqual([]);
    const fresh = await context.newPage();
    await fresh.goto(`${stack.api.baseUrl}/dashboard`);
    await fresh.evaluate(() => sessionStorage.clear());
    await fresh.reload();
    await fresh.waitForSelector('#sign-in:not([hidden])');
    expect(await seriousViolations(fresh)).toEqual([]);
    await fresh.close();
  });

  it('reads on a phone width and is reachable by keyboard', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    small.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await small.goto(`${stack.api.baseUrl}/dashboard`);
    await small.keyboard.press('Tab');
    await small.keyboard.press('Tab');
    expect(await small.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await small.keyboard.type(key('dashboard:read'));
    await small.keyboard.press('Enter');
    await small.waitForSelector('#live[data-state="live"]');
    await small.waitForSelector('[data-testid="count-total"]');
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await small.screenshot({ path: join(SCREENSHOTS, 'phone.png'), fullPage: true });
    await phone.close();
  });

  it('shows a dead projector: its card red with its age, the Live indicator red with the reason, green again once it catches up', async () => {
    await page.waitForSelector('#live[data-state="live"][data-level="ok"]');
    await stack.stopProjectors(); // no runner, so no change notification will come: the page must notice by itself
    const stoppedAt = Date.now();
    await pay('stripe', 4321, 'USD', 'succeed'); // payments keep coming
    await page.waitForSelector('[data-testid="projection-ledger"][data-status="stalled"]', { timeout: STALL_AFTER_MS + QUIET_MS + 10_000 });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(STALL_AFTER_MS);
    expect(await page.textContent('[data-testid="projection-ledger-stall"]')).toMatch(
      /^Stalled for \d+ s: 3 events waiting, checkpoint not moving$/,
    );
    expect(await page.getAttribute('[data-testid="projection-audit_trail"]', 'data-status')).toBe('stalled');
    await page.waitForSelector('#live[data-state="stalled"][data-level="bad"]');
    expect(await page.textContent('#live')).toBe('Stale: ledger, audit_trail stalled');
    expect(await page.getAttribute('#live', 'title')).toMatch(
      /^ledger: 3 events waiting for \d+ s; audit_trail: 3 events waiting for \d+ s$/,
    );
    // The providers' numbers come from the stalled projection: their health says so, by the alert's definition.
    expect(await page.getAttribute('[data-testid="health-paystack"]', 'data-status')).toBe('unhealthy');
    expect(await page.textContent('[data-testid="health-paystack"] .issues')).toMatch(
      /projection ledger stalled: 3 events waiting for \d+ s/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'stalled.png'), fullPage: true });

    stack.startProjectors();
    await page.waitForSelector('[data-testid="projection-ledger"][data-status="current"]', { timeout: 10_000 });
    await page.waitForSelector('#live[data-state="live"][data-level="ok"]', { timeout: 10_000 });
    expect(await page.textContent('#live')).toBe('Live');
  });

  it('turns the Live indicator amber while a projection lags, and red while the API answers 503, green again after', async () => {
    // The API's answer, with the ledger projection 7.5 s behind while its checkpoint still moves: lagging, not stalled.
    await page.route('**/v1/dashboard/board', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.projections = body.projections.map((p: { name: string; lag: object }) =>
        p.name === 'ledger' ? { ...p, lag: { ...p.lag, positionsBehind: 40, secondsBehind: 7.5 } } : p,
      );
      await route.fulfill({ response: res, json: body });
    });
    await page.waitForSelector('#live[data-state="lagging"][data-level="warn"]', { timeout: QUIET_MS + 5_000 });
    expect(await page.textContent('#live')).toBe('Lagging: ledger behind');
    expect(await page.getAttribute('[data-testid="projection-ledger"]', 'data-status')).toBe('lagging');
    await page.unroute('**/v1/dashboard/board');
    await page.waitForSelector('#live[data-state="live"]', { timeout: QUIET_MS + 5_000 });

    // The database down: every dashboard read answers 503 (the change feed too).
    const errorsBefore = consoleErrors.length;
    await page.route('**/v1/dashboard/**', (route) =>
      route.fulfill({ status: 503, json: { error: { code: 'service_unavailable', message: 'the database is unavailable' } } }),
    );
    await page.waitForSelector('#live[data-state="down"][data-level="bad"]', { timeout: QUIET_MS + 5_000 });
    expect(await page.textContent('#live')).toBe('Database unavailable');
    expect(await page.getAttribute('#live', 'title')).toMatch(/^The API answered 503; showing the numbers of /);
    await page.unroute('**/v1/dashboard/**');
    await page.waitForSelector('#live[data-state="live"][data-level="ok"]', { timeout: QUIET_MS + 10_000 });
    // Chromium logs each refused request itself: those are the 503s this test asked for, and nothing else may be.
    expect(consoleErrors.slice(errorsBefore).every((e) => e.includes('status of 503'))).toBe(true);
    consoleErrors.splice(errorsBefore);
  });

  it('wrote no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
