import { randomUUID } from 'node:crypto';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { newPaymentBody, storedEvents, write } from '../api/fixtures';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

const create = (body: unknown, headers: Record<string, string> = {}) =>
  call(api, 'POST', '/v1/payments', { key: write(api), headers: { 'idempotency-key': randomUUID(), ...headers }, body });
const detailPaths = (res: { body: any }) => res.body.error.details.map((d: { path: string }) => d.path);

describe('Ordinary requests are not refused', () => {
  it('accepts the identifiers, times, phone numbers and free text clients send', async () => {
    const res = await create(
      newPaymentBody({
        paymentId: `pay_${randomUUID().slice(0, 8)}`,
        customerId: 'tenant:42.cus_NffrFeUfNV2Hib',
        description: 'Order 42\n\tgift wrap, 2 items — für Jana 😀',
        card: { token: 'tok_visa', brand: 'visa', last4: '4242' },
        metadata: {
          orderId: 'ord_12345678',
          placedAt: '2024-01-15T10:30:00.000Z',
          phone: '+44 20 7946 0958',
          epochMs: '1700000000000',
          trace: randomUUID(),
          note: 'line\r\nbreak',
        },
      }),
      { 'x-request-id': 'req_7f3a.corr:1' },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('req_7f3a.corr:1');
  });
});

describe('Control characters', () => {
  it.each([
    ['a NUL in the description', { description: 'a\u0000b' }, 'description'],
    ['a newline in the customer id', { customerId: 'c\n1' }, 'customerId'],
    ['an escape in a metadata key', { metadata: { ['k\u001b']: 'v' } }, 'metadata["k\\u001b"]'],
    ['a NUL in a metadata value', { metadata: { k: 'v\u0000' } }, 'metadata.k'],
    ['a lone surrogate', { description: 'x\ud800' }, 'description'],
  ])('refuses %s with 400 validation_failed, not a 500', async (_label, overrides, path) => {
    const res = await create(newPaymentBody(overrides));
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(detailPaths(res)).toContain(path);
  });

  it('allows tab and newline only in free text', async () => {
    const id = (await create(newPaymentBody({ amount: 100 }))).body.paymentId as string;
    const res = await call(api, 'POST', `/v1/payments/${id}/fraud-flags`, { key: write(api), body: { reason: 'two\nlines' } });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ path: 'reason' }] } } });
  });

  it('refuses a NUL in the query and in the decoded path', async () => {
    const query = await call(api, 'GET', '/v1/dashboard/payments?provider=a%00', { key: api.keys['dashboard:read'] });
    expect(query).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ path: 'query.provider' }] } } });
    const path = await call(api, 'GET', '/v1/payments/a%00b', { key: api.keys['payments:read'] });
    expect(path).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ path: 'path' }] } } });
  });
});

describe('Identifiers', () => {
  it('stores an e-mail address given as customer id as its keyed token, never in clear (issue 29, case 1)', async () => {
    const res = await create(newPaymentBody({ customerId: 'jane@example.com' }));
    expect(res.status).toBe(201);
    expect(res.body.customerId).toMatch(/^ctok_[\w-]{43}$/);
    expect(JSON.stringify(res.body)).not.toContain('jane');
    const [event] = await storedEvents(api, res.body.paymentId as string);
    expect(JSON.stringify(event)).not.toContain('jane');
    expect(api.logs.join('\n')).not.toContain('jane@example.com');
  });

  it('refuses a customer id outside its character set that is no e-mail, phone number or name', async () => {
    const res = await create(newPaymentBody({ customerId: 'jane;doe' }));
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ path: 'customerId' }] } } });
    expect(JSON.stringify(res.body)).not.toContain('jane');
  });

  it('refuses an Idempotency-Key outside its character set', async () => {
    const res = await create(newPaymentBody(), { 'idempotency-key': 'my key "1"' });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ path: 'Idempotency-Key' }] } } });
  });

  it('replaces an invalid request id instead of echoing or storing it', async () => {
    const res = await create(newPaymentBody(), { 'x-request-id': 'jane@example.com' });
    expect(res.status).toBe(201);
    const given = res.headers.get('x-request-id');
    expect(given).toMatch(/^[0-9a-f-]{36}$/);
    const [event] = await storedEvents(api, res.body.paymentId as string);
    expect(event.metadata.correlationId).toBe(given);
    expect(api.logs.join('\n')).not.toContain('jane@example.com');
  });
});

describe('Safe defaults', () => {
  it('says no-store on every /v1 answer, errors and unknown routes included', async () => {
    const id = (await create(newPaymentBody())).body.paymentId as string;
    const answers = [
      await call(api, 'GET', `/v1/payments/${id}`, { key: api.keys['payments:read'] }),
      await call(api, 'GET', '/v1/payments/nope', { key: api.keys['payments:read'] }),
      await call(api, 'GET', '/v1/payments/x'),
      await call(api, 'GET', '/V1/nothing/here'),
      await call(api, 'GET', '/v1/dashboard/health', { key: api.keys['dashboard:read'] }),
    ];
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([200, 404, 401, 404]);
    expect(answers.map((a) => a.headers.get('cache-control'))).toEqual(Array(5).fill('no-store'));
  });

  it('sends HSTS only when FORCE_HTTPS is set', async () => {
    expect((await call(api, 'GET', '/health/live')).headers.get('strict-transport-security')).toBeNull();
    const https = await startApiHarness({ env: { FORCE_HTTPS: 'true' } });
    try {
      expect((await call(https, 'GET', '/health/live')).headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
    } finally {
      await https.close();
    }
  });
});
