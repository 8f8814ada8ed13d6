import fc from 'fast-check';
import type { PaymentCommand } from './commands';
import { isDomainError } from './errors';
import { isPaymentEventType } from './events';
import type { PaymentState } from './payment';
import { decide, evolve, initialState, paymentStatus } from './payment';
import { refundedTotal } from './refund-ledger';

const paymentId = 'pay_prop';

// Mostly plausible amounts, with the edges that break naive arithmetic mixed in.
const amount = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 4_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 0.5, Number.MAX_SAFE_INTEGER, 2 ** 53, Number.NaN) },
);

const command: fc.Arbitrary<PaymentCommand> = fc
  .tuple(
    fc.oneof(
      fc.record({
        type: fc.constant('CreatePayment' as const),
        data: fc.record({
          paymentId: fc.constant(paymentId),
          provider: fc.constantFrom('stripe' as const, 'paystack' as const),
          amount,
          currency: fc.constantFrom('USD', 'JPY', 'KWD', 'XYZ'),
        }),
      }),
      fc.constant({ type: 'StartProcessing' as const, data: { paymentId } }),
      fc.constant({ type: 'MarkPaymentSucceeded' as const, data: { paymentId } }),
      fc.constant({ type: 'MarkPaymentFailed' as const, data: { paymentId, errorCode: 'declined' } }),
      fc.record({
        type: fc.constant('RefundPayment' as const),
        data: fc.record(
          { paymentId: fc.constant(paymentId), refundId: fc.uuid(), providerRefundId: fc.constantFrom('re_1', 're_2', 're_3'), amount },
          { requiredKeys: ['paymentId', 'refundId', 'amount'] },
        ),
      }),
      fc.record({
        type: fc.constant('ReportRefundTotal' as const),
        data: fc.record({ paymentId: fc.constant(paymentId), reportedTotal: amount }),
      }),
      fc.record({
        type: fc.constant('ReverseRefund' as const),
        data: fc.record({ paymentId: fc.constant(paymentId), refundId: fc.constantFrom('re_1', 're_2', 're_4'), amount }),
      }),
      fc.record({
        type: fc.constant('CloseDispute' as const),
        data: fc.record({
          paymentId: fc.constant(paymentId),
          disputeId: fc.constantFrom('dp_1', 'dp_2'),
          outcome: fc.constantFrom('won' as const, 'lost' as const, 'warning_closed' as const),
        }),
      }),
      fc.constant({ type: 'FlagFraud' as const, data: { paymentId, reason: 'velocity' } }),
      fc.record({
        type: fc.constant('OpenDispute' as const),
        data: fc.record(
          { paymentId: fc.constant(paymentId), disputeId: fc.constantFrom('dp_1', 'dp_2'), reason: fc.constant('fraudulent'), amount },
          { requiredKeys: ['paymentId', 'disputeId', 'reason'] },
        ),
      }),
    ),
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
  )
  .map(([c, now]) => ({ ...c, now }));

const at = new Date('2024-01-01T00:00:00Z');
// Random sequences rarely reach success on their own, so most runs start part-way along the happy path.
const lifecyclePrefix: fc.Arbitrary<PaymentCommand[]> = fc
  .tuple(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 3 }))
  .map(([created, steps]) =>
    (
      [
        { type: 'CreatePayment', data: { paymentId, provider: 'stripe', amount: created, currency: 'USD' }, now: at },
        { type: 'StartProcessing', data: { paymentId }, now: at },
        { type: 'MarkPaymentSucceeded', data: { paymentId }, now: at },
      ] satisfies PaymentCommand[]
    ).slice(0, steps),
  );

function checkInvariants(before: PaymentState, after: PaymentState): void {
  expect(after.refunded).toBeLessThanOrEqual(after.captured);
  expect(after.refunded).toBe(refundedTotal(after.refunds));
  expect(Number.isSafeInteger(after.refunded)).toBe(true);
  if (before.status === 'failed') expect(after.status).toBe('failed');
  // Only a reversal (the provider says a refund failed) takes a refunded payment back.
  if (paymentStatus(before) === 'refunded' && after.refunds.reversed === before.refunds.reversed) {
    expect(paymentStatus(after)).toBe('refunded');
  }
  if (before.disputed) expect(after.disputed).toBe(true);
  expect(Object.values(after.disputes).filter((d) => d.open).length).toBeLessThanOrEqual(1);
}

describe('Payment', () => {
  describe('under any sequence of commands', () => {
    it('keeps refunds within the captured amount, terminal states terminal and one dispute open at a time', () => {
      fc.assert(
        fc.property(lifecyclePrefix, fc.array(command, { maxLength: 30 }), (prefix, commands) => {
          let state = initialState();
          for (const cmd of [...prefix, ...commands]) {
            let produced;
            try {
              produced = decide(cmd, state);
            } catch (error) {
              // A refused command is a domain error, never a crash.
              expect(isDomainError(error)).toBe(true);
              continue;
            }
            const before = state;
            for (const event of produced) {
              expect(isPaymentEventType(event.type)).toBe(true);
              expect(JSON.parse(JSON.stringify(event))).toEqual(event);
              state = evolve(state, event);
            }
            checkInvariants(before, state);
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
