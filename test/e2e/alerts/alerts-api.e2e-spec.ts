import { alertKey, newAlert, recordAlert } from '@ledger/monitoring';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';

function alert(rule: 'failure_rate' | 'fraud_flags', kind: 'raised' | 'recovered' = 'raised') {
  const at = '2026-11-27T10:00:00.000Z';
  return newAlert({
    key: alertKey(rule, 'stripe', at),
    rule,
    kind,
    severity: 'critical',
    provider: 'stripe',
    title: `${rule} test`,
    value: 12,
    threshold: 5,
    windowStart: at,
    windowEnd: '2026-11-27T10:15:00.000Z',
    raisedAt: at,
    details: {},
  });
}

describe('Alerts API', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness({ env: { RATE_LIMITS: 'payment=2/1h', ALERT_RULES: 'rate_limit_violations=3' } });
  });
  afterAll(() => api.close());

  describe('GET /v1/alerts', () => {
    it('lists the alert history by status for dashboard:read, refuses other scopes and bad filters', async () => {
      await recordAlert(api.db.pool, alert('failure_rate'));
      const res = await call(api, 'GET', '/v1/alerts?status=open', { key: api.keys['dashboard:read'] });
      expect(res.status).toBe(200);
      expect(res.body.alerts.map((a: { rule: string }) => a.rule)).toContain('failure_rate');
      expect((await call(api, 'GET', '/v1/alerts', { key: api.keys['payments:write'] })).status).toBe(403);
      expect((await call(api, 'GET', '/v1/alerts')).status).toBe(401);
      const bad = await call(api, 'GET', '/v1/alerts?status=closed', { key: api.keys['dashboard:read'] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('status');
    });
  });

  describe('POST /v1/alerts/:id/acknowledge', () => {
    it('acknowledges an open alert (again: still 200), 404 for an unknown one, and needs admin', async () => {
      const raised = alert('fraud_flags');
      await recordAlert(api.db.pool, raised);
      const path = `/v1/alerts/${raised.id}/acknowledge`;
      expect((await call(api, 'POST', path, { key: api.keys['dashboard:read'] })).status).toBe(403);
      const first = await call(api, 'POST', path, { key: api.keys.admin });
      expect(first.status).toBe(200);
      expect(first.body.status).toBe('acknowledged');
      expect((await call(api, 'POST', path, { key: api.keys.admin })).status).toBe(200);
      const unknown = await call(api, 'POST', '/v1/alerts/nope/acknowledge', { key: api.keys.admin });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('alert_not_found');
    });
  });

  describe('when a client keeps hitting a rate limit', () => {
    it('puts one critical rate_limit_violations alert in the outbox once the threshold is reached', async () => {
      const create = (n: number) =>
        call(api, 'POST', '/v1/payments', {
          key: api.keys['payments:write'],
          headers: { 'idempotency-key': `flood-${n}` },
          body: { provider: 'stripe', amount: 100, currency: 'USD', customerId: 'cus_flood' },
        });
      const statuses: number[] = [];
      for (let n = 0; n < 8; n++) statuses.push((await create(n)).status);
      expect(statuses.filter((s) => s === 429)).toHaveLength(6);
      const { rows } = await api.db.pool.query(
        `SELECT payload FROM monitoring.alert_outbox WHERE payload->>'rule' = 'rate_limit_violations'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].payload).toMatchObject({ severity: 'critical', details: { limitClass: 'payment', subject: 'customer:cus_flood' } });
    });
  });
});
