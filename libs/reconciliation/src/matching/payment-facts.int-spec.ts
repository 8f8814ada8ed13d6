import { Readable } from 'node:stream';
import { PostgresEventStore, type EventData } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { importReport } from '../import/import-report';
import { projectAll } from '../testing/project-all';
import type { FactKind, PaymentFact } from './payment-fact';
import { foldPaymentEvent, learnPaymentStreams, type FactIndex, type PaymentRow } from './payment-facts';
import { reconciliationProjection } from './reconciliation-projection';

/**
 * Schema-v1 payment events (before issue 28) a Stripe webhook created in ISK hold Stripe's units (two decimals: ×100
 * of ISO's whole krónur). The reconciliation reads them through the payments' upcaster: its facts are ISO minor
 * units, as the report's lines are.
 */
describe('Reconciliation facts of schema-v1 payment events', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const at = '2026-03-01T00:00:00.000Z';
  const v1 = { correlationId: 'c', actor: 'webhook:stripe', schemaVersion: 1, occurredAt: at };
  const created = (id: string): EventData => ({
    type: 'PaymentCreated',
    data: { paymentId: id, provider: 'stripe', amount: 50_000, currency: 'ISK', createdAt: at },
    metadata: v1,
  });
  const succeeded = (id: string, n: number): EventData => ({
    type: 'PaymentSucceeded',
    data: { paymentId: id, amount: 50_000, currency: 'ISK', providerPaymentId: `pi_${n}`, providerChargeId: `ch_${n}`, succeededAt: at },
    metadata: v1,
  });

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('matches a v1 ISK charge stored in Stripe units (50000) to its report line of 500 krónur, with no amount_mismatch', async () => {
    await store.appendToStream('payment-v1a', [created('v1a'), succeeded('v1a', 1)], 'no_stream');
    const csv = [
      'automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id',
      'po_isk,2026-03-03 00:00:00,txn_isk,2026-03-01 00:00:00,isk,500,0,500,charge,ch_1',
    ].join('\n');
    await importReport(store, { provider: 'stripe', format: 'csv', input: Readable.from([csv]), actor: 'key_t', now: new Date(at) });
    await projectAll(
      db.pool,
      store,
      reconciliationProjection(undefined, async () => undefined),
    );
    const { rows: lines } = await db.pool.query(
      `SELECT status, payment_id FROM read_models.reconciliation_lines WHERE line_id = 'txn_isk'`,
    );
    expect(lines).toEqual([{ status: 'matched', payment_id: 'v1a' }]);
    const { rows: facts } = await db.pool.query(`SELECT DISTINCT amount FROM read_models.reconciliation_facts WHERE payment_id = 'v1a'`);
    expect(facts).toEqual([{ amount: '500' }]);
    const { rows: breaks } = await db.pool.query(`SELECT kind FROM read_models.reconciliation_breaks`);
    expect(breaks).toEqual([]);
  });

  it('a projector restarted between the PaymentCreated of a v1 payment and its success (a batch starting mid-stream) still matches in ISO units', async () => {
    await store.appendToStream('payment-v1c', [created('v1c')], 'no_stream');
    const first = await projectAll(
      db.pool,
      store,
      reconciliationProjection(undefined, async () => undefined),
    );
    await store.appendToStream('payment-v1c', [succeeded('v1c', 3)], 0n);
    const csv = [
      'automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id',
      'po_isk3,2026-03-03 00:00:00,txn_isk3,2026-03-01 00:00:00,isk,500,0,500,charge,ch_3',
    ].join('\n');
    await importReport(store, { provider: 'stripe', format: 'csv', input: Readable.from([csv]), actor: 'key_t', now: new Date(at) });
    // A new process: the module's upcaster has seen no PaymentCreated of this stream.
    let restarted!: typeof reconciliationProjection;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      restarted = (require('./reconciliation-projection') as { reconciliationProjection: typeof reconciliationProjection })
        .reconciliationProjection;
    });
    const projection = restarted(undefined, async () => undefined);
    await projectAll(
      db.pool,
      store,
      { ...projection, apply: (tx, events, target) => projection.apply(tx, events, { ...target, store }) },
      first,
    );
    const { rows } = await db.pool.query(`SELECT status, payment_id FROM read_models.reconciliation_lines WHERE line_id = 'txn_isk3'`);
    expect(rows).toEqual([{ status: 'matched', payment_id: 'v1c' }]);
  });

  it('learns the correction of a stream whose PaymentCreated came before the batch (read from the store), then folds ISO amounts', async () => {
    await store.appendToStream('payment-v1b', [created('v1b'), succeeded('v1b', 2)], 'no_stream');
    const [, success] = await store.readStream('payment-v1b');
    const facts: PaymentFact[] = [];
    const payment: PaymentRow = { paymentId: 'v1b', provider: 'stripe', currency: 'ISK' };
    const index: FactIndex = {
      payment: () => payment,
      setPayment: (row) => Object.assign(payment, row),
      fact: (_kind: FactKind, _reference: string) => undefined,
      putFact: (fact) => void facts.push(fact),
    };
    await learnPaymentStreams([success], store);
    foldPaymentEvent(index, success);
    expect(facts.map((f) => [f.kind, f.amount, f.currency])).toEqual([['charge', 500, 'ISK']]);
    expect(payment.amount).toBe(500);
  });
});
