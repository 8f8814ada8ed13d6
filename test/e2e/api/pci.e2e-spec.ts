import { findPans } from '@ledger/security';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { createPayment, newPaymentBody, storedEvents, write } from './fixtures';

const PAN = '4111111111111111';
const SPACED_PAN = '5555 5555 5555 4444';
let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

const create = (body: unknown) =>
  call(api, 'POST', '/v1/payments', { key: write(api), headers: { 'idempotency-key': `${Math.random()}` }, body });

describe('PCI guard', () => {
  it.each([
    ['metadata', { metadata: { note: `card ${PAN}` } }, ['metadata.note']],
    ['description', { description: `paid with ${SPACED_PAN}` }, ['description']],
    ['card.number', { card: { token: 'tok', number: PAN } }, ['card.number']],
    ['a CVC beside the token', { card: { token: 'tok', cvc: '123' } }, ['card.cvc']],
    ['a PAN with spaces in customerId', { customerId: SPACED_PAN }, ['customerId']],
    ['a PAN as a number', { amount: Number(PAN) }, ['amount']],
  ])('refuses card data in %s, naming the path and never the value', async (_name, overrides, fields) => {
    const res = await create(newPaymentBody(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('card_data_rejected');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(fields);
    expect(JSON.stringify(res.body)).not.toMatch(/4111|5555 5555|123/);
  });

  it('checks every command body and the query string, before auth and validation', async () => {
    const id = await createPayment(api);
    const refund = await call(api, 'POST', `/v1/payments/${id}/refunds`, { key: write(api), body: { amount: 1, reason: PAN } });
    expect(refund).toMatchObject({ status: 400, body: { error: { code: 'card_data_rejected', details: [{ path: 'reason' }] } } });
    const query = await call(api, 'GET', `/v1/payments/${id}?pan=${PAN}`, { key: api.keys['payments:read'] });
    expect(query).toMatchObject({ status: 400, body: { error: { code: 'card_data_rejected' } } });
    const anonymous = await call(api, 'POST', '/v1/payments', { body: { unknownField: PAN } });
    expect(anonymous.body.error.code).toBe('card_data_rejected');
    expect(await storedEvents(api, id)).toHaveLength(1);
  });

  it('lets no PAN reach the logs, whatever the request', async () => {
    await create(newPaymentBody({ metadata: { n: PAN } }));
    await create(`{"description":"${SPACED_PAN}",`);
    await call(api, 'GET', `/v1/payments/${PAN}`, { key: api.keys['payments:read'] });
    await call(api, 'GET', `/v1/${PAN}/nothing?x=${PAN}`, { headers: { authorization: `Bearer ${PAN}` } });
    const text = api.logs.join('\n');
    expect(api.logs.length).toBeGreaterThanOrEqual(4);
    expect(findPans(text)).toEqual([]);
    expect(text).not.toContain(api.keys['payments:write']);
  });
});
