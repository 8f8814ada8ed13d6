import { randomUUID } from 'node:crypto';
import { call, type ApiHarness } from '../../support/api-harness';

export const write = (api: ApiHarness) => api.keys['payments:write'];
export const read = (api: ApiHarness) => api.keys['payments:read'];

export function newPaymentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { provider: 'stripe', amount: 5000, currency: 'USD', customerId: `cust-${randomUUID()}`, ...overrides };
}

export async function createPayment(api: ApiHarness, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await call(api, 'POST', '/v1/payments', {
    key: write(api),
    headers: { 'idempotency-key': randomUUID() },
    body: newPaymentBody(overrides),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.paymentId as string;
}

/** A payment that has succeeded, ready for refunds and disputes. */
export async function succeededPayment(api: ApiHarness, overrides: Record<string, unknown> = {}): Promise<string> {
  const id = await createPayment(api, overrides);
  for (const step of ['processing', 'success']) {
    const res = await call(api, 'POST', `/v1/payments/${id}/${step}`, { key: write(api), body: {} });
    if (res.status !== 200) throw new Error(`${step} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return id;
}

export async function storedEvents(
  api: ApiHarness,
  paymentId?: string,
): Promise<{ type: string; data: any; metadata: any; event_id: string }[]> {
  const { rows } = await api.db.pool.query(
    `SELECT event_id, event_type AS type, data, metadata FROM event_store.events
      WHERE $1::text IS NULL OR stream_id = $1 ORDER BY global_position`,
    [paymentId === undefined ? null : `payment-${paymentId}`],
  );
  return rows;
}
