import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, serviceHeapFlags } from '@ledger/platform';
import { createTestDatabase, testServices, uniquePrefix, type TestDatabase } from '@ledger/testing';
import { createApiKey } from '@ledger/security';
import { startPrometheus, type PrometheusServer } from './support/prometheus';
import { ROOT, promtool, startApp, until, type App } from './support/processes';

/**
 * The three apps as their own processes (the API with two cluster workers),
 * a real Prometheus scraping them, and a scripted workload through the API:
 * the business metrics must move exactly as the workload says.
 */
describe('Prometheus metrics of the three apps', () => {
  let db: TestDatabase;
  let prometheus: PrometheusServer;
  const apps: App[] = [];
  const ports = { api: 0, projector: 0, worker: 0, prometheus: 0 };
  let key = '';
  const base = () => `http://127.0.0.1:${ports.api}`;

  const post = (path: string, body: unknown) =>
    fetch(`${base()}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    }).then((r) => r.status);
  async function pay(provider: string, amount: number, currency: string, outcome: 'succeed' | 'fail') {
    const paymentId = `prom_${randomUUID().slice(0, 8)}`;
    expect(await post('/v1/payments', { paymentId, provider, amount, currency, customerId: 'cus_prom' })).toBe(201);
    expect(await post(`/v1/payments/${paymentId}/processing`, {})).toBe(200);
    const decision =
      outcome === 'fail'
        ? post(`/v1/payments/${paymentId}/failure`, { errorCode: 'card_declined', processingTimeMs: 1500 })
        : post(`/v1/payments/${paymentId}/success`, { processingTimeMs: 300 });
    expect(await decision).toBe(200);
    return paymentId;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
    key = (await createApiKey(db.pool, { name: 'prometheus test', scopes: ['admin'] })).key;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: testServices().redisUrl,
      ENCRYPTION_KEY: 'prometheus-test-key-0123456789abcdef',
      ALERT_QUEUE_PREFIX: uniquePrefix('prom'),
      ALERT_RULES: 'min_decisions=4',
      LOG_LEVEL: 'info',
      PROJECTOR_METRICS_PORT: String(ports.projector),
      WORKER_METRICS_PORT: String(ports.worker),
    };
    apps.push(
      startApp('ledger-api', {
        ...env,
        PORT: String(ports.api),
        API_WORKERS: '2',
        STRIPE_WEBHOOK_SECRET: 'whsec_prometheus_test_secret',
        RATE_LIMITS: 'payment=100000/1m,refund=100000/1m,status=100000/1m,api=100000/1m,webhook=100000/1m',
      }),
      startApp('projector', env),
      startApp('alert-worker', env),
    );
    await until(() => fetch(`${base()}/health/ready`).then((r) => r.ok), 'ledger-api');
    await until(() => fetch(`http://127.0.0.1:${ports.projector}/metrics`).then((r) => r.ok), 'projector metrics');
    await until(() => fetch(`http://127.0.0.1:${ports.worker}/metrics`).then((r) => r.ok), 'alert-worker metrics');
    prometheus = await startPrometheus(ports.prometheus, {
      'ledger-api': `127.0.0.1:${ports.api}`,
      projector: `127.0.0.1:${ports.projector}`,
      'alert-worker': `127.0.0.1:${ports.worker}`,
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.close();
    await Promise.all(apps.map((a) => a.stop()));
    await db?.drop();
  });

  it('scrapes all three apps, and every exposition passes promtool check metrics', async () => {
    for (const job of ['ledger-api', 'projector', 'alert-worker']) {
      await until(async () => (await prometheus.value(`up{job="${job}"}`)) === 1, `${job} to be up`);
    }
    for (const port of [ports.api, ports.projector, ports.worker]) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const check = promtool(['check', 'metrics'], text);
      expect({ port, ...check }).toEqual({ port, status: 0, output: '' });
    }
  });

  it("starts each API worker with the services' heap flags, though its primary was started without them", () => {
    const primary = apps[0].child.pid!;
    const workers = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    expect(workers).toHaveLength(2);
    for (const pid of workers) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toEqual(expect.arrayContaining(serviceHeapFlags([])));
    }
  });

  it('moves the business metrics as the workload says', async () => {
    const refunded = await pay('stripe', 1999, 'USD', 'succeed');
    await pay('stripe', 1999, 'USD', 'succeed');
    await pay('stripe', 1999, 'USD', 'succeed');
    await pay('paystack', 5000, 'JPY', 'succeed');
    await pay('paystack', 12345, 'KWD', 'succeed');
    for (let i = 0; i < 5; i++) await pay('stripe', 700, 'USD', 'fail');
    expect(await post(`/v1/payments/${refunded}/refunds`, { amount: 500 })).toBe(201);
    const webhook = await fetch(`${base()}/v1/webhooks/stripe`, {
      method: 'POST',
      body: '{"id":"evt_1"}',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=bad' },
    });
    expect(webhook.status).toBe(401);

    const expected: Record<string, number> = {
      'sum(ledger_payment_volume_minor_total{currency="USD",kind="succeeded"})': 5997,
      'sum(ledger_payment_volume_minor_total{currency="USD",kind="refunded"})': 500,
      'sum(ledger_payment_volume_minor_total{currency="JPY",kind="succeeded"})': 5000,
      'sum(ledger_payment_volume_minor_total{currency="KWD",kind="succeeded"})': 12345,
      'sum(ledger_payments{provider="stripe",status="failed"})': 5,
      'sum(ledger_payments{provider="stripe",status="partially_refunded"})': 1,
      'sum(ledger_payments{provider="paystack",status="succeeded"})': 2,
      'sum(ledger_payment_decisions_total{provider="stripe",outcome="failed"})': 5,
      'sum(ledger_payment_decisions_total{provider="stripe",outcome="succeeded"})': 3,
      'sum(ledger_payment_processing_seconds_count{outcome="failed"})': 5,
      'sum(ledger_payment_processing_seconds_sum{outcome="failed"})': 7.5,
      'sum(ledger_projection_lag_events)': 0,
      // The books (issue 31): balances per account and currency.
      'sum(ledger_books_balance_minor{account="revenue:sales",currency="USD"})': 5997,
      'sum(ledger_books_balance_minor{account="revenue:refunds",currency="USD"})': 500,
      'sum(ledger_books_balance_minor{account="provider:stripe",currency="USD"})': 5497,
      'sum(ledger_books_balance_minor{account="provider:paystack",currency="KWD"})': 12345,
      'sum(ledger_alert_outbox_depth)': 0,
      'sum(ledger_webhook_deliveries_total{provider="stripe",outcome="bad_signature"})': 1,
      // Sent to either of two API workers: only the aggregated /metrics counts all ten creates.
      'sum(ledger_http_requests_total{method="POST",route="/v1/payments",status="201"})': 10,
    };
    const read = async () => Object.fromEntries(await Promise.all(Object.keys(expected).map(async (q) => [q, await prometheus.value(q)])));
    await until(async () => JSON.stringify(await read()) === JSON.stringify(expected), 'the metrics to match the workload').catch(
      () => undefined,
    );
    expect(await read()).toEqual(expected);

    await until(
      async () => ((await prometheus.value('sum(ledger_alerts_delivered_total{rule="failure_rate",severity="critical"})')) ?? 0) >= 1,
      'the failure alert delivered',
    );
    expect(await prometheus.value('sum(ledger_alerts_raised_total{rule="failure_rate",severity="critical"})')).toBe(1);
    expect(await prometheus.value('sum(ledger_projection_batches_total{projection="ledger"})')).toBeGreaterThan(0);
    expect(await prometheus.value('sum(ledger_projection_events_applied_total{projection="ledger"})')).toBe(31); // ten payments of three events, one refund
  });

  it('evaluates every Grafana query without an error, each with data ("0" is data: no panel says "No data")', async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'docker/grafana/dashboards/ledger.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
    const evaluate = () =>
      Promise.all(
        exprs.map(async ({ panel, expr }) => {
          const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
          const body = (await res.json()) as { status: string; data?: { result: unknown[] } };
          return { panel, expr, status: body.status, series: body.data?.result.length ?? 0 };
        }),
      );
    // rate() and increase() need two scrapes of a series after it first appears: give a loaded machine time for them.
    await until(async () => (await evaluate()).every((a) => a.series > 0), 'every board query to have data').catch(() => undefined);
    const answers = await evaluate();
    expect(answers.filter((a) => a.status !== 'success')).toEqual([]);
    expect(answers.filter((a) => a.series === 0).map((a) => `${a.panel}: ${a.expr}`)).toEqual([]);
    // Nothing was rate limited and no alert delivery failed: their panels read 0, per class and per rule.
    expect(await prometheus.value('sum(ledger_rate_limited_total)')).toBe(0);
    expect(await prometheus.value('count(ledger_rate_limited_total)')).toBe(7);
    expect(await prometheus.value('sum(ledger_alerts_delivery_failed_total)')).toBe(0);
    expect(await prometheus.value('sum(ledger_alerts_raised_total{rule="provider_silent"})')).toBe(0);
    expect(await prometheus.value('max(ledger_event_store_horizon_age_seconds)')).toBeGreaterThanOrEqual(0);
  });

  it('loads the alerting rules, which promtool accepts', async () => {
    const check = promtool(['check', 'rules', join(ROOT, 'docker/prometheus/alerts.yml')]);
    expect(check.status).toBe(0);
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name)).toEqual(
      expect.arrayContaining(['LedgerProjectionStalled', 'LedgerPaymentFailureRateHigh', 'LedgerAlertOutboxGrowing']),
    );
    expect(loaded.filter((r) => r.health === 'err')).toEqual([]);
  });

  it('a second projector on the same metrics port says so once and runs without metrics', async () => {
    const second = startApp('projector', {
      DATABASE_URL: db.url,
      ENCRYPTION_KEY: 'prometheus-test-key-0123456789abcdef',
      PROJECTOR_METRICS_PORT: String(ports.projector),
    });
    apps.push(second);
    await until(async () => second.stderr.join('').includes('metrics port taken'), 'the port-taken line');
    // Still running without metrics: it answers SIGTERM with its own orderly stop (exit 0), which a process that
    // had failed after the line could not; and it said so once.
    expect(second.child.exitCode).toBeNull();
    await second.stop();
    expect(second.child.exitCode).toBe(0);
    expect(second.stderr.join('').match(/metrics port taken/g)).toHaveLength(1);
  });
});
