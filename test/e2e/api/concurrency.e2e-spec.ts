import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { storedEvents, succeededPayment, write } from './fixtures';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

describe('Racing commands on one payment', () => {
  it('never refunds more than was captured, with 50 concurrent refunds', async () => {
    const captured = 1000;
    const id = await succeededPayment(api, { amount: captured });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(api, 'POST', `/v1/payments/${id}/refunds`, {
          key: write(api),
          headers: { 'idempotency-key': `r-${i}` },
          body: { amount: 70 },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const refunds = (await storedEvents(api, id)).filter((e) => e.type === 'PaymentRefunded');
    const total = refunds.reduce((sum, e) => sum + (e.data.amount as number), 0);
    expect(total).toBeLessThanOrEqual(captured);
    expect(refunds.length).toBe(statuses.filter((s) => s === 201).length);
    expect(refunds.length).toBeGreaterThan(0);
    const codes = new Set(results.filter((r) => r.status === 409).map((r) => r.body.error.code));
    expect([...codes].every((c) => c === 'refund_exceeds_captured' || c === 'concurrency_conflict')).toBe(true);
    const view = await call(api, 'GET', `/v1/payments/${id}`, { key: api.keys['payments:read'] });
    expect(view.body.refundedAmount).toBe(total);
  });
});
