import { InvalidAmountError, UnsupportedSchemaVersionError } from './errors';
import { CURRENT_SCHEMA_VERSION } from './events';
import { evolve, initialState } from './payment';
import { events } from './testing/fixtures';
import {
  AMOUNTS_IN_ISO_SINCE,
  providerUnitsCorrection,
  schemaVersionOf,
  StreamUpcaster,
  toPaymentEvent,
  toPaymentEvents,
  upcast,
} from './upcasting';

describe('Upcasting stored events', () => {
  it('returns current-version data unchanged', () => {
    const { data } = events.refunded(100, 100);
    expect(upcast('PaymentRefunded', data, CURRENT_SCHEMA_VERSION)).toBe(data);
  });

  it.each([0, CURRENT_SCHEMA_VERSION + 1, 1.5])('refuses schema version %p', (version) => {
    expect(() => upcast('PaymentCreated', {}, version)).toThrow(UnsupportedSchemaVersionError);
  });

  it('reads an event without a schema version as version 1', () => {
    expect(schemaVersionOf({ type: 'PaymentProcessing', data: {}, metadata: {} })).toBe(1);
    expect(schemaVersionOf({ type: 'PaymentProcessing', data: {} })).toBe(1);
  });

  it('turns a stored event into a domain event', () => {
    const stored = { type: 'PaymentRefunded', data: events.refunded(100, 100).data, metadata: { schemaVersion: 1 } };
    expect(toPaymentEvent(stored)).toEqual({ type: 'PaymentRefunded', data: stored.data });
  });

  it('refuses a stored event from a newer writer', () => {
    const stored = { type: 'PaymentCreated', data: {}, metadata: { schemaVersion: CURRENT_SCHEMA_VERSION + 1 } };
    expect(() => toPaymentEvent(stored)).toThrow(UnsupportedSchemaVersionError);
  });
});

describe('Provider units stored before issue 28, corrected on read', () => {
  const webhook = (provider: string) => ({ schemaVersion: 1, actor: `webhook:${provider}` });
  const api = { schemaVersion: 1, actor: 'key_1' };
  const id = { paymentId: 'pay_old' };
  const at = '2025-06-01T10:00:00.000Z';

  /** A payment as the old mapping booked it: every amount as the provider wrote it. */
  function oldStream(
    provider: 'stripe' | 'paystack',
    currency: string,
    units: number,
    metadata: object,
  ): { type: string; data: Record<string, unknown>; metadata: object }[] {
    const amounts = { charge: 500 * units, refund: 100 * units, dispute: 200 * units };
    return [
      { type: 'PaymentCreated', data: { ...id, provider, amount: amounts.charge, currency, createdAt: at }, metadata },
      { type: 'PaymentProcessing', data: { ...id, startedAt: at }, metadata },
      { type: 'PaymentSucceeded', data: { ...id, amount: amounts.charge, currency, succeededAt: at }, metadata },
      {
        type: 'PaymentRefunded',
        data: {
          ...id,
          refundId: 're_1',
          providerRefundId: 're_1',
          amount: amounts.refund,
          currency,
          totalRefunded: amounts.refund,
          refundedAt: at,
        },
        metadata,
      },
      {
        type: 'PaymentRefundReported',
        data: { ...id, reportedTotal: amounts.refund, counted: 0, currency, totalRefunded: amounts.refund, reportedAt: at },
        metadata,
      },
      {
        type: 'PaymentDisputed',
        data: { ...id, disputeId: 'dp_1', reason: 'fraudulent', amount: amounts.dispute, currency, disputedAt: at },
        metadata,
      },
    ];
  }

  const fold = (history: { type: string; data: unknown; metadata?: unknown }[]) => toPaymentEvents(history).reduce(evolve, initialState());

  it.each([
    // Stripe writes ISK and UGX two-decimal (ISO: 0), IQD two-decimal (ISO: 3); Paystack writes XOF and RWF ×100 (ISO: 0)
    ['stripe', 'ISK', 100],
    ['stripe', 'UGX', 100],
    ['paystack', 'XOF', 100],
    ['paystack', 'RWF', 100],
  ] as const)('brings a %s %s payment its webhook created to ISO minor units in the domain fold', (provider, currency, units) => {
    const state = fold(oldStream(provider, currency, units, webhook(provider)));
    expect(state).toMatchObject({ amount: 500, captured: 500, refunded: 100, currency });
    expect(state.disputes.dp_1).toMatchObject({ amount: 200, open: true });
  });

  it('multiplies where ISO has more decimals than the provider wrote (Stripe IQD: two, ISO: three)', () => {
    const history = oldStream('stripe', 'IQD', 1, webhook('stripe'));
    const events = toPaymentEvents(history);
    expect(events.map((e) => (e.data as { amount?: number }).amount)).toEqual([5000, undefined, 5000, 1000, undefined, 2000]);
    expect(events[4].data).toMatchObject({ reportedTotal: 1000, counted: 0, totalRefunded: 1000 });
  });

  it.each([
    ['created through the API (booked in ISO units)', 'stripe', 'ISK', api],
    ['in a currency both write alike (Stripe JPY)', 'stripe', 'JPY', webhook('stripe')],
    ['in a two-decimal currency (Paystack NGN)', 'paystack', 'NGN', webhook('paystack')],
    ['another provider’s webhook created', 'stripe', 'ISK', webhook('paystack')],
    ['in a currency the ledger refused before issue 28 (Stripe MGA)', 'stripe', 'MGA', webhook('stripe')],
  ] as const)('leaves a stream %s as stored', (_, provider, currency, metadata) => {
    const history = oldStream(provider, currency, 100, metadata);
    expect(toPaymentEvents(history)).toEqual(history.map(({ type, data }) => ({ type, data })));
  });

  it('corrects each stream of the whole log in global order, remembering only the corrected ones', () => {
    const isk = oldStream('stripe', 'ISK', 100, webhook('stripe')).map((e) => ({ ...e, streamId: 'payment-isk' }));
    const usd = oldStream('stripe', 'USD', 1, webhook('stripe')).map((e) => ({ ...e, streamId: 'payment-usd' }));
    const upcaster = new StreamUpcaster();
    const read = isk.flatMap((e, i) => [upcaster.read(e), upcaster.read(usd[i])]);
    expect(read.filter((_, i) => i % 2 === 0).map((e) => (e.data as { amount?: number }).amount)).toEqual([
      500,
      undefined,
      500,
      100,
      undefined,
      200,
    ]);
    expect(read.filter((_, i) => i % 2 === 1).map((e) => (e.data as { amount?: number }).amount)).toEqual([
      500,
      undefined,
      500,
      100,
      undefined,
      200,
    ]);
  });

  it('refuses loudly, never rounding, an old amount with no exact ISO value (a fraction of a króna)', () => {
    const history = oldStream('stripe', 'ISK', 100, webhook('stripe'));
    history[3] = { ...history[3], data: { ...history[3].data, amount: 10050, totalRefunded: 10050 } };
    expect(() => toPaymentEvents(history)).toThrow(InvalidAmountError);
    expect(() => toPaymentEvents(history)).toThrow(/PaymentRefunded.amount .*no exact ISO value/);
  });

  it('shows a corrected stored event with the stored values of the fields it changed, and nothing for other events', () => {
    const upcaster = new StreamUpcaster();
    const [created, processing, , refunded] = oldStream('stripe', 'ISK', 100, webhook('stripe')).map((e) => ({
      ...e,
      streamId: 'payment-isk',
    }));
    expect(upcaster.corrected(created)).toEqual({
      ...created,
      data: { ...created.data, amount: 500 },
      correction: { kind: 'provider_units', provider: 'stripe', currency: 'ISK', stored: { amount: 50000 } },
    });
    expect(upcaster.corrected(processing)).toBe(processing);
    expect(upcaster.corrected(refunded).correction).toEqual({
      kind: 'provider_units',
      provider: 'stripe',
      currency: 'ISK',
      stored: { amount: 10000, totalRefunded: 10000 },
    });
  });

  it('tells a reader that starts mid-log which old streams it must learn the creation of first', () => {
    const [created, , succeeded] = oldStream('stripe', 'ISK', 100, webhook('stripe')).map((e) => ({ ...e, streamId: 'payment-isk' }));
    const [, , usd] = oldStream('stripe', 'USD', 1, webhook('stripe')).map((e) => ({ ...e, streamId: 'payment-usd' }));
    const upcaster = new StreamUpcaster();
    expect(upcaster.unknownStream(succeeded)).toBe(true);
    expect(upcaster.unknownStream(usd)).toBe(false);
    expect(upcaster.unknownStream({ ...succeeded, metadata: { ...webhook('stripe'), schemaVersion: AMOUNTS_IN_ISO_SINCE } })).toBe(false);
    upcaster.learn(created);
    expect(upcaster.unknownStream(succeeded)).toBe(false);
    expect(upcaster.read(succeeded).data).toMatchObject({ amount: 500 });
  });

  it('learns a batch that starts mid-log: its creations, and the first event of each old stream it has not seen', async () => {
    const isk = oldStream('stripe', 'ISK', 100, webhook('stripe')).map((e) => ({ ...e, streamId: 'payment-isk' }));
    const ugx = oldStream('stripe', 'UGX', 100, webhook('stripe')).map((e) => ({ ...e, streamId: 'payment-ugx' }));
    const usd = oldStream('stripe', 'USD', 1, webhook('stripe')).map((e) => ({ ...e, streamId: 'payment-usd' }));
    const streams = new Map([isk, ugx, usd].map((events) => [events[0].streamId, events]));
    const reads: string[] = [];
    const store = {
      readStream: async (streamId: string, { maxCount }: { maxCount: number }) => {
        reads.push(streamId);
        return (streams.get(streamId) ?? []).slice(0, maxCount);
      },
    };
    // ISK from its success on (its creation in an earlier batch), UGX whole, USD (needs nothing), a payout's event.
    const batch = [isk[2], isk[3], ugx[0], ugx[2], usd[2], { streamId: 'payout-stripe-po_1', type: 'PayoutCreated', data: {} }];
    const upcaster = new StreamUpcaster();
    await upcaster.learnStreams(batch, store);
    expect(reads).toEqual(['payment-isk']); // once, and only the stream the batch cannot teach
    expect(upcaster.read(isk[3]).data).toMatchObject({ amount: 100 });
    expect(upcaster.read(ugx[2]).data).toMatchObject({ amount: 500 });
    // Without a store only what the batch holds is learnt: ISK's success stays as stored.
    const alone = new StreamUpcaster();
    await alone.learnStreams(batch);
    expect(alone.unknownStream(isk[2])).toBe(true);
    expect(alone.read(ugx[2]).data).toMatchObject({ amount: 500 });
  });

  it('never corrects an event written with the conversion, in a stream that needs it', () => {
    const [created, , succeeded] = oldStream('stripe', 'ISK', 100, webhook('stripe'));
    const current = {
      ...succeeded,
      data: { ...succeeded.data, amount: 500 },
      metadata: { ...webhook('stripe'), schemaVersion: CURRENT_SCHEMA_VERSION },
    };
    expect(CURRENT_SCHEMA_VERSION).toBe(AMOUNTS_IN_ISO_SINCE);
    expect(toPaymentEvents([created, current])[1].data).toMatchObject({ amount: 500 });
  });

  it('decides the correction from the stored PaymentCreated alone', () => {
    const [created] = oldStream('stripe', 'UGX', 100, webhook('stripe'));
    expect(providerUnitsCorrection(created)).toEqual({ provider: 'stripe', currency: 'UGX', multiply: 1n, divide: 100n });
    expect(
      providerUnitsCorrection({ ...created, metadata: { ...webhook('stripe'), schemaVersion: AMOUNTS_IN_ISO_SINCE } }),
    ).toBeUndefined();
    expect(providerUnitsCorrection(oldStream('stripe', 'UGX', 100, api)[0])).toBeUndefined();
  });
});
