import fc from 'fast-check';
import { findPans, luhnValid, scanForCardData } from '@ledger/security';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { succeededPayment, write } from './fixtures';

let api: ApiHarness;
let paymentId: string;
beforeAll(async () => {
  api = await startApiHarness();
  paymentId = await succeededPayment(api, { amount: 1_000_000 });
});
afterAll(() => api.close());

const luhnPan = fc
  .tuple(fc.constantFrom('4', '51', '37', '6011'), fc.integer({ min: 13, max: 19 }), fc.infiniteStream(fc.integer({ min: 0, max: 9 })))
  .map(([prefix, length, digits]) => {
    let body = prefix;
    const it = digits[Symbol.iterator]();
    while (body.length < length - 1) body += String(it.next().value);
    for (let check = 0; check < 10; check++) if (luhnValid(body + check)) return body + check;
    return body + '0';
  })
  .filter((pan) => luhnValid(pan) && findPans(pan).length > 0);

const withPan = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    luhnPan,
    luhnPan.map((p) => p.replace(/(\d{4})/g, '$1 ').trim()),
    fc.tuple(fc.string(), luhnPan).map(([s, p]) => `${s} ${p}`),
    fc.jsonValue(),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 4 }),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
})).value;

const paths = () => [
  '/v1/payments',
  ...['processing', 'success', 'failure', 'refunds', 'fraud-flags', 'disputes'].map((p) => `/v1/payments/${paymentId}/${p}`),
];

async function allEventsText(): Promise<string> {
  const { rows } = await api.db.pool.query(`SELECT data::text || metadata::text AS t FROM event_store.events`);
  return rows.map((r: { t: string }) => r.t).join('\n');
}

describe('Arbitrary JSON at every command endpoint', () => {
  it('never answers 5xx and never stores a PAN', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths()),
        fc.oneof(fc.jsonValue(), withPan),
        fc.stringMatching(/^[a-z0-9]{0,6}$/),
        async (path, body, key) => {
          const res = await call(api, 'POST', path, {
            key: write(api),
            headers: { 'idempotency-key': `fz${key}` },
            body: JSON.stringify(body),
          });
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    expect(findPans(await allEventsText())).toEqual([]);
  });

  it('stores valid commands whose free text is clean and refuses those that embed a PAN', async () => {
    const text = fc.oneof(
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.tuple(fc.string(), luhnPan).map(([s, p]) => `${s}${p}`),
    );
    const command = fc.oneof(
      fc.record({
        path: fc.constant('/v1/payments'),
        body: fc.record({
          provider: fc.constant('stripe'),
          amount: fc.integer({ min: 1, max: 10_000 }),
          currency: fc.constant('EUR'),
          description: text,
          metadata: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), text, { maxKeys: 3 }),
        }),
      }),
      fc.record({ path: fc.constant(`/v1/payments/${paymentId}/fraud-flags`), body: fc.record({ reason: text }) }),
      fc.record({ path: fc.constant(`/v1/payments/${paymentId}/refunds`), body: fc.record({ amount: fc.constant(1), reason: text }) }),
    );
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(command, fc.uuid(), async ({ path, body }, key) => {
        const res = await call(api, 'POST', path, { key: write(api), headers: { 'idempotency-key': key }, body });
        if (scanForCardData(body).length > 0) expect(res.body.error.code).toBe('card_data_rejected');
        else expect([200, 201]).toContain(res.status);
        if (res.status < 300) stored++;
      }),
      { numRuns: 150 },
    );
    expect(stored).toBeGreaterThan(10);
    expect(findPans(await allEventsText())).toEqual([]);
  });

  it('never answers 5xx to raw garbage', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths()), fc.string({ maxLength: 200 }), async (path, raw) => {
        const res = await call(api, 'POST', path, { key: write(api), headers: { 'idempotency-key': 'raw' }, body: raw });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
