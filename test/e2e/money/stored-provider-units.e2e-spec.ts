import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../support/api-harness';
import { ledger } from '../cli/support/cli';
import { startMoneyHarness, tail, type MoneyHarness } from './support';

/**
 * Issue 28: a payment a Stripe webhook created in ISK before the provider exponents were right was stored in
 * Stripe's units (ISK written two-decimal, ISO gives it none): 5,000 ISK as 500000. The stored events stay as
 * they are; every reader sees ISO minor units.
 */
const MASTER = 'k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!';

describe('Amounts stored in a provider’s units before issue 28', () => {
  let h: MoneyHarness;
  let env: NodeJS.ProcessEnv;
  const paymentId = `pay_isk_${tail()}`;
  const streamId = `payment-${paymentId}`;
  const at = '2026-03-02T10:00:00.000Z';
  const id = { paymentId };

  beforeAll(async () => {
    h = await startMoneyHarness({ env: { ENCRYPTION_KEY: MASTER } });
    env = { DATABASE_URL: h.api.db.url, ENCRYPTION_KEY: MASTER, LOG_DIR: mkdtempSync(join(tmpdir(), 'ledger-log-')) };
    const metadata = { actor: 'webhook:stripe', correlationId: randomUUID(), occurredAt: at, schemaVersion: 1 };
    const old = [
      { type: 'PaymentCreated', data: { ...id, provider: 'stripe', amount: 500000, currency: 'ISK', createdAt: at } },
      { type: 'PaymentProcessing', data: { ...id, startedAt: at } },
      { type: 'PaymentSucceeded', data: { ...id, amount: 500000, currency: 'ISK', providerPaymentId: `pi_${tail()}`, succeededAt: at } },
      {
        type: 'PaymentRefunded',
        data: {
          ...id,
          refundId: 're_old',
          providerRefundId: 're_old',
          amount: 100000,
          currency: 'ISK',
          totalRefunded: 100000,
          refundedAt: at,
        },
      },
    ];
    await h.store.appendToStream(
      streamId,
      old.map((e) => ({ ...e, eventId: randomUUID(), metadata })),
      'no_stream',
    );
    await h.settle();
  });
  afterAll(() => h.close());

  const row = async () =>
    (
      await h.api.db.pool.query(
        `SELECT amount::int, captured_amount::int AS captured, refunded_amount::int AS refunded, status FROM read_models.payments WHERE payment_id = $1`,
        [paymentId],
      )
    ).rows[0];
  const metrics = async () =>
    (
      await h.api.db.pool.query(
        `SELECT volume_created::text AS total, volume_succeeded::text AS succeeded, volume_refunded::text AS refunded
           FROM read_models.payment_metrics WHERE provider = 'stripe' AND currency = 'ISK'`,
      )
    ).rows[0];

  it('is projected live in ISO minor units', async () => {
    expect(await row()).toEqual({ amount: 5000, captured: 5000, refunded: 1000, status: 'partially_refunded' });
    expect(await metrics()).toEqual({ total: '5000', succeeded: '5000', refunded: '1000' });
  });

  it('is decided on in ISO units: a refund beyond the 4,000 ISK left is refused, the 4,000 refunds it fully', async () => {
    const refund = (amount: number) =>
      call(h.api, 'POST', `/v1/payments/${paymentId}/refunds`, {
        key: h.api.keys['payments:write'],
        headers: { 'idempotency-key': `refund-${amount}-${paymentId}` },
        body: { amount, providerRefundId: `re_new_${amount}` },
      });
    const over = await refund(4001);
    expect([over.status, over.body.error?.code]).toEqual([409, 'refund_exceeds_captured']);
    expect((await refund(4000)).status).toBe(201);
    const view = await call(h.api, 'GET', `/v1/payments/${paymentId}`, { key: h.api.keys['payments:read'] });
    expect(view.body).toMatchObject({ amount: 5000, currency: 'ISK', refundedAmount: 5000, status: 'refunded' });
    await h.settle();
    expect(await row()).toEqual({ amount: 5000, captured: 5000, refunded: 5000, status: 'refunded' });
  });

  it('shows corrected amounts on the events endpoint, naming the stored values, and new events as written', async () => {
    const res = await call(h.api, 'GET', `/v1/payments/${paymentId}/events`, { key: h.api.keys['payments:read'] });
    expect(res.status).toBe(200);
    const shown = (res.body as { type: string; data: Record<string, unknown>; correction?: unknown }[]).map((e) => [
      e.type,
      e.data.amount,
      e.correction,
    ]);
    const correction = (stored: Record<string, number>) => ({ kind: 'provider_units', provider: 'stripe', currency: 'ISK', stored });
    expect(shown).toEqual([
      ['PaymentCreated', 5000, correction({ amount: 500000 })],
      ['PaymentProcessing', undefined, undefined],
      ['PaymentSucceeded', 5000, correction({ amount: 500000 })],
      ['PaymentRefunded', 1000, correction({ amount: 100000, totalRefunded: 100000 })],
      ['PaymentRefunded', 4000, undefined],
    ]);
    expect(res.body[4].data.totalRefunded).toBe(5000);
    expect(res.body[4].metadata.schemaVersion).toBe(2);
  });

  it('replays corrected amounts (also from the middle of the stream), and as stored with --as-stored', async () => {
    const lines = (run: { stdout: string }) =>
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const replay = await ledger(['audit', 'replay', '--stream', streamId], env);
    expect(replay.code).toBe(0);
    const events = lines(replay);
    expect(events.map((e) => e.data.amount)).toEqual([5000, undefined, 5000, 1000, 4000]);
    expect(events[3].correction).toEqual({
      kind: 'provider_units',
      provider: 'stripe',
      currency: 'ISK',
      stored: { amount: 100000, totalRefunded: 100000 },
    });
    const from = await ledger(['audit', 'replay', '--from-position', events[2].position], env);
    expect(
      lines(from)
        .filter((e) => e.streamId === streamId)
        .map((e) => e.data.amount),
    ).toEqual([5000, 1000, 4000]);
    const stored = await ledger(['audit', 'replay', '--stream', streamId, '--as-stored'], env);
    expect(lines(stored).map((e) => [e.data.amount, e.correction])).toEqual([
      [500000, undefined],
      [undefined, undefined],
      [500000, undefined],
      [100000, undefined],
      [4000, undefined],
    ]);
  });

  it('is rebuilt into the read models in ISO units, where the read models held the stored units, and verify exits 0', async () => {
    // As a projector before this change left them.
    await h.api.db.pool.query(`UPDATE read_models.payments SET amount = 500000, captured_amount = 500000 WHERE payment_id = $1`, [
      paymentId,
    ]);
    await h.api.db.pool.query(
      `UPDATE read_models.payment_metrics SET volume_created = 500000, volume_succeeded = 500000 WHERE provider = 'stripe' AND currency = 'ISK'`,
    );
    expect((await ledger(['audit', 'verify'], env)).code).toBe(1);
    const rebuild = await ledger(['projections', 'rebuild', 'ledger'], env);
    expect(rebuild.code).toBe(0);
    expect(await row()).toEqual({ amount: 5000, captured: 5000, refunded: 5000, status: 'refunded' });
    expect(await metrics()).toEqual({ total: '5000', succeeded: '5000', refunded: '5000' });
    const verify = await ledger(['audit', 'verify'], env);
    expect(verify.stdout).toMatch(/^verify: clean/m);
    expect(verify.code).toBe(0);
  });
});
