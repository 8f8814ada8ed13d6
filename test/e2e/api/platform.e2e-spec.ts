import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { createPayment } from './fixtures';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

describe('HTTP platform', () => {
  it('sets security headers, no HSTS without FORCE_HTTPS and no CORS', async () => {
    const res = await call(api, 'GET', '/health/live', { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('serves the dashboard under a CSP that runs scripts from our origin only, never inline ones (issue 29, case 10)', async () => {
    const res = await fetch(`${api.baseUrl}/dashboard`);
    const directives = new Map(
      (res.headers.get('content-security-policy') ?? '').split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('script-src-attr')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
  });

  it('sends HSTS when FORCE_HTTPS=true', async () => {
    const https = await startApiHarness({ env: { FORCE_HTTPS: 'true' } });
    try {
      expect((await call(https, 'GET', '/health/live')).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await https.close();
    }
  });

  it('reports readiness of each dependency', async () => {
    expect(await call(api, 'GET', '/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'up', redis: 'up', eventStore: 'up' } },
    });
  });

  it('exposes Prometheus metrics by route template and status, and appended commands', async () => {
    await createPayment(api);
    await call(api, 'GET', '/v1/payments/some-id', { key: api.keys['payments:read'] });
    const res = await fetch(`${api.baseUrl}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(text).toMatch(/ledger_http_requests_total\{method="POST",route="\/v1\/payments",status="201"\} 1/);
    expect(text).toMatch(/ledger_http_requests_total\{method="GET",route="\/v1\/payments\/:id",status="404"\} 1/);
    expect(text).toMatch(/ledger_http_request_duration_seconds_bucket/);
    expect(text).toMatch(/ledger_commands_appended_total\{command="CreatePayment"\} 1/);
  });

  it('serves the OpenAPI document at /docs', async () => {
    const ui = await fetch(`${api.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    const doc = (await (await fetch(`${api.baseUrl}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/payments', '/v1/payments/{id}/refunds', '/v1/payments/{id}', '/v1/payments/{id}/events']),
    );
  });

  it("names its database sessions: pg_stat_activity (and the stall report's horizon holder) shows the API's pools", async () => {
    await createPayment(api);
    const { rows } = await api.db.pool.query<{ application_name: string }>(
      `SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database() ORDER BY 1`,
    );
    expect(rows.map((r) => r.application_name)).toEqual(expect.arrayContaining(['ledger-api', 'ledger-api idempotency']));
  });

  it('echoes a sane X-Request-Id and replaces an absurd one', async () => {
    expect((await call(api, 'GET', '/health/live', { headers: { 'x-request-id': 'abc-1' } })).headers.get('x-request-id')).toBe('abc-1');
    const long = (await call(api, 'GET', '/health/live', { headers: { 'x-request-id': 'x'.repeat(500) } })).headers.get('x-request-id');
    expect(long).toMatch(/^[0-9a-f-]{36}$/);
  });
});
