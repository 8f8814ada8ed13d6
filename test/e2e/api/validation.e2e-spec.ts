import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { newPaymentBody, storedEvents, write } from './fixtures';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ env: { BODY_LIMIT: '48kb' } });
});
afterAll(() => api.close());

const create = (body: unknown, key = 'v-key') =>
  call(api, 'POST', '/v1/payments', { key: write(api), headers: { 'idempotency-key': `${key}-${Math.random()}` }, body });

const paths = (res: { body: any }) => res.body.error.details.map((d: { path: string }) => d.path).sort();

describe('Validation', () => {
  it.each([
    ['unknown field', { extra: 1 }, ['extra']],
    ['wrong type', { amount: '10' }, ['amount']],
    ['negative amount', { amount: -5 }, ['amount']],
    ['zero amount', { amount: 0 }, ['amount']],
    ['fractional amount', { amount: 10.5 }, ['amount']],
    ['amount above 2^53-1', { amount: 2 ** 53 }, ['amount']],
    ['unknown currency', { currency: 'XXX' }, ['currency']],
    ['unknown provider', { provider: 'paypal' }, ['provider']],
    ['bad paymentId', { paymentId: 'a b' }, ['paymentId']],
    ['unknown nested field', { card: { token: 't', cvcToken: 'x' } }, ['card.cvcToken']],
    ['non-string metadata', { metadata: { a: 1 } }, ['metadata.a']],
    ['several at once', { amount: -1, currency: 'usd', provider: 1 }, ['amount', 'currency', 'provider']],
  ])('refuses %s, naming the field', async (_name, overrides, expected) => {
    const res = await create(newPaymentBody(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(paths(res)).toEqual(expected);
  });

  it('refuses a missing field and a non-object body', async () => {
    expect(paths(await create({ provider: 'stripe', currency: 'USD' }))).toEqual(['amount']);
    expect(await create([1, 2])).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });

  it('validates every command body', async () => {
    for (const [path, body, field] of [
      ['refunds', { amount: 0 }, 'amount'],
      ['failure', {}, 'errorCode'],
      ['fraud-flags', { reason: 'x', score: 101 }, 'score'],
      ['disputes', { reason: '' }, 'reason'],
      ['processing', { now: 1 }, 'now'],
      ['success', { processingTimeMs: -1 }, 'processingTimeMs'],
    ] as const) {
      const res = await call(api, 'POST', `/v1/payments/p1/${path}`, { key: write(api), body });
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual([field]);
    }
  });

  it('requires an Idempotency-Key on create and checks its form', async () => {
    const missing = await call(api, 'POST', '/v1/payments', { key: write(api), body: newPaymentBody() });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'idempotency_key_required' } } });
    const tooLong = await call(api, 'POST', '/v1/payments', {
      key: write(api),
      headers: { 'idempotency-key': 'k'.repeat(256) },
      body: newPaymentBody(),
    });
    expect(tooLong).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });

  it('maps malformed JSON to 400, an oversized body to 413 and an unknown route to a JSON 404', async () => {
    expect(await create('{"amount":')).toMatchObject({ status: 400, body: { error: { code: 'malformed_json' } } });
    expect(await create({ description: 'x'.repeat(60_000) })).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
    expect(await call(api, 'GET', '/v2/nothing')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await call(api, 'DELETE', '/v1/payments/x', { key: write(api) })).toMatchObject({ status: 404 });
    expect(await storedEvents(api)).toEqual([]);
  });
});

describe('Hostile shapes', () => {
  it('refuses deeply nested JSON without a 5xx', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const res = await call(api, 'POST', '/v1/payments/p1/processing', {
      key: write(api),
      body: deep,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    const deepObject = '{"a":'.repeat(400) + '1' + '}'.repeat(400);
    expect((await call(api, 'POST', '/v1/payments/p1/processing', { key: write(api), body: deepObject })).status).toBe(400);
  });

  it('refuses a JSON null or scalar body as invalid, not as a crash', async () => {
    for (const body of ['null', '"text"', '42']) {
      expect((await create(body)).status).toBe(400);
    }
  });

  it('answers broken encodings and paths with a 4xx', async () => {
    const gzipGarbage = await fetch(`${api.baseUrl}/v1/payments/p1/processing`, {
      method: 'POST',
      headers: { authorization: `Bearer ${write(api)}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'definitely not gzip',
    });
    expect(gzipGarbage.status).toBeGreaterThanOrEqual(400);
    expect(gzipGarbage.status).toBeLessThan(500);
    const utf16 = await call(api, 'POST', '/v1/payments/p1/processing', {
      key: write(api),
      body: '{}',
      headers: { 'content-type': 'application/json; charset=klingon' },
    });
    expect(utf16.status).toBe(415);
    expect((await call(api, 'GET', '/v1/payments/%E0%A4%A', { key: api.keys['payments:read'] })).status).toBe(400);
  });
});
