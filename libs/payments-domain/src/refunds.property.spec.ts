import fc from 'fast-check';
import type { PaymentCommand } from './commands';
import { decide, evolve, foldPayment, type PaymentState } from './payment';
import { histories, PAYMENT_ID } from './testing/fixtures';

/**
 * Independent of the rules it checks: a refund history, every report a
 * provider would send about it (single-refund reports, updates, cumulative
 * totals as of each refund), and the API's own records, shuffled and
 * duplicated. The refunded total must end as the sum of the distinct refunds
 * that did not fail, never above the captured amount, with no mismatch raised.
 */
interface RealRefund {
  readonly id: string;
  readonly amount: number;
  readonly createdAt: number;
  readonly failedAt?: number;
  readonly viaApi: boolean;
}

const captured = 10_000;
const base = Date.parse('2024-05-01T12:00:00Z');
const id = { paymentId: PAYMENT_ID };

const refundsArb: fc.Arbitrary<RealRefund[]> = fc
  .array(
    fc.record({ amount: fc.integer({ min: 1, max: 2_500 }), failsAfter: fc.option(fc.integer({ min: 1, max: 50 })), viaApi: fc.boolean() }),
    { minLength: 1, maxLength: 4 },
  )
  .map((drafts) =>
    drafts.map((d, i) => ({
      id: `re_${i}`,
      amount: d.amount,
      createdAt: base + (i + 1) * 60_000,
      failedAt: d.failsAfter === null ? undefined : base + (i + 1) * 60_000 + d.failsAfter * 1_000,
      viaApi: d.viaApi,
    })),
  );

const aliveAt = (refunds: readonly RealRefund[], t: number) =>
  refunds.filter((r) => r.createdAt <= t && (r.failedAt === undefined || r.failedAt > t)).reduce((s, r) => s + r.amount, 0);

function reports(refunds: readonly RealRefund[]): PaymentCommand[] {
  const out: PaymentCommand[] = [];
  for (const r of refunds) {
    const created = new Date(r.createdAt);
    if (r.viaApi)
      out.push({ type: 'RefundPayment', data: { ...id, refundId: `api-${r.id}`, providerRefundId: r.id, amount: r.amount }, now: created });
    out.push({ type: 'RefundPayment', data: { ...id, refundId: r.id, amount: r.amount }, now: created });
    // charge.refunded as of this refund's creation, without its list.
    out.push({ type: 'ReportRefundTotal', data: { ...id, reportedTotal: aliveAt(refunds, r.createdAt) }, now: created });
    if (r.failedAt !== undefined) {
      out.push({ type: 'ReverseRefund', data: { ...id, refundId: r.id, amount: r.amount }, now: new Date(r.failedAt) });
    }
  }
  return out;
}

describe('Payment', () => {
  describe('under any order of refund reports from every channel', () => {
    it('counts each real refund once, reverses the failed ones, and never raises a false mismatch', () => {
      fc.assert(
        fc.property(
          refundsArb.chain((refunds) => {
            const all = reports(refunds);
            return fc.tuple(fc.constant(refunds), fc.shuffledSubarray([...all, ...all], { minLength: all.length * 2 }));
          }),
          ([refunds, deliveries]) => {
            fc.pre(refunds.reduce((s, r) => s + r.amount, 0) <= captured);
            let state: PaymentState = foldPayment(histories.succeeded());
            for (const command of deliveries) {
              for (const event of decide(command, state)) {
                expect(event.type).not.toBe('PaymentRefundMismatch');
                state = evolve(state, event);
                expect(state.refunded).toBeLessThanOrEqual(captured);
              }
            }
            const expected = refunds.filter((r) => r.failedAt === undefined).reduce((s, r) => s + r.amount, 0);
            expect(state.refunded).toBe(expected);
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
