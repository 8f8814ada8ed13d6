import type { RecordedEvent } from '@ledger/event-store';
import { StreamUpcaster } from '@ledger/payments-domain';
import { postedStreamId, RECONCILIATION_POSTED, type ReconciliationPostedData } from '../posting/reconciliation-posted';
import { BooksBatch } from './books-batch';

const cause = '6f1c2a52-0000-4000-8000-000000000001';

function recorded(type: string, data: unknown, streamId = postedStreamId(cause), commit = 10n): RecordedEvent {
  return {
    eventId: `e-${type}-${commit}`,
    streamId,
    type,
    revision: 0n,
    position: { commit, prepare: commit },
    data,
    metadata: {},
    recordedAt: new Date('2026-04-02T09:00:00Z'),
  };
}

const posting = (lines: ReconciliationPostedData['lines']): ReconciliationPostedData => ({
  provider: 'stripe',
  causedBy: cause,
  reason: 'late_fact',
  paymentId: 'pay_1',
  effectiveAt: '2026-03-05T00:00:00.000Z',
  lines,
});

const batch = (closes: ConstructorParameters<typeof BooksBatch>[2] = []) => new BooksBatch(new Map(), new StreamUpcaster(), closes);

describe('Books › the reconciliation’s postings', () => {
  it('journals a ReconciliationPosted as one entry dated at the effective time it gives, with its provider and payment', () => {
    const books = batch();
    books.apply(
      recorded(
        RECONCILIATION_POSTED,
        posting([
          { account: 'suspense:stripe', currency: 'USD', debit: 680, credit: 0 },
          { account: 'expense:fees:stripe', currency: 'USD', debit: 20, credit: 0 },
          { account: 'provider:stripe', currency: 'USD', debit: 0, credit: 700 },
        ]),
      ),
    );
    expect(books.entries).toEqual([
      expect.objectContaining({
        memo: 'reconciliation:late_fact',
        provider: 'stripe',
        paymentId: 'pay_1',
        occurredAt: new Date('2026-03-05T00:00:00.000Z'),
        effectiveAt: new Date('2026-03-05T00:00:00.000Z'),
        period: '2026-03',
        late: false,
      }),
    ]);
    expect(books.entries[0].lines).toHaveLength(3);
  });

  it('dates a posting of a closed period at the start of the first open one (late), like a payment entry', () => {
    const books = batch([{ period: '2026-03', covered: { commit: 5n, prepare: 5n } }]);
    books.apply(
      recorded(
        RECONCILIATION_POSTED,
        posting([
          { account: 'bank:stripe', currency: 'USD', debit: 5, credit: 0 },
          { account: 'provider:stripe', currency: 'USD', debit: 0, credit: 5 },
        ]),
      ),
    );
    expect(books.entries[0]).toMatchObject({ period: '2026-04', late: true, effectiveAt: new Date('2026-04-01T00:00:00.000Z') });
  });

  it('refuses a posting that does not balance in a currency, and stops loudly', () => {
    const unbalanced = posting([
      { account: 'expense:fees:stripe', currency: 'USD', debit: 59, credit: 0 },
      { account: 'provider:stripe', currency: 'USD', debit: 0, credit: 58 },
    ]);
    expect(() => batch().apply(recorded(RECONCILIATION_POSTED, unbalanced))).toThrow(/does not balance in USD/);
  });

  it('posts nothing for the imports, statuses and resolutions it was decided from, and stops on any other payout event', () => {
    const books = batch();
    for (const type of ['PayoutReported', 'PayoutCorrected', 'PayoutLinesReported', 'PayoutStatusReported', 'ReconciliationBreakResolved'])
      books.apply(recorded(type, {}, 'payout-stripe-po_1'));
    expect(books.entries).toEqual([]);
    expect(() => books.apply(recorded('PayoutInvented', {}, 'payout-stripe-po_1'))).toThrow(/cannot post PayoutInvented/);
  });
});
