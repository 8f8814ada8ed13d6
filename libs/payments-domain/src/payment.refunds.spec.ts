import type { PaymentCommand, PaymentCommandOf } from './commands';
import type { PaymentEvent } from './events';
import { decide, evolve, foldPayment } from './payment';
import { AMOUNT, AT, NOW, PAYMENT_ID, histories } from './testing/fixtures';
import { given } from './testing/given';

const id = { paymentId: PAYMENT_ID };
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const refund = (refundId: string, amount: number, minutes = 0, providerRefundId?: string): PaymentCommandOf<'RefundPayment'> => ({
  type: 'RefundPayment',
  data: providerRefundId ? { ...id, refundId, providerRefundId, amount } : { ...id, refundId, amount },
  now: at(minutes),
});
const report = (reportedTotal: number, minutes = 0): PaymentCommand => ({
  type: 'ReportRefundTotal',
  data: { ...id, reportedTotal },
  now: at(minutes),
});
const reverse = (refundId: string, amount: number, minutes = 0): PaymentCommand => ({
  type: 'ReverseRefund',
  data: { ...id, refundId, amount },
  now: at(minutes),
});

/** Applies commands one by one, as the ledger would, and returns every event. */
function run(history: PaymentEvent[], commands: PaymentCommand[]): PaymentEvent[] {
  let state = foldPayment(history);
  const out: PaymentEvent[] = [];
  for (const command of commands) {
    for (const event of decide(command, state)) {
      state = evolve(state, event);
      out.push(event);
    }
  }
  return out;
}
const totalAfter = (commands: PaymentCommand[]) =>
  foldPayment([...histories.succeeded(), ...run(histories.succeeded(), commands)]).refunded;

describe('Payment', () => {
  describe('when succeeded, refunds reported through several channels', () => {
    it('counts a refund named twice once', () => {
      given([...histories.succeeded(), ...run(histories.succeeded(), [refund('r1', 300, 0, 're_1')])])
        .when(refund('re_1', 300))
        .then([]);
    });

    it('counts what a cumulative report proves, and attributes it when the refund is named later', () => {
      given(histories.succeeded())
        .when(report(300))
        .then([
          {
            type: 'PaymentRefundReported',
            data: { ...id, reportedTotal: 300, counted: 300, currency: 'USD', totalRefunded: 300, reportedAt: AT },
          },
        ]);
      expect(totalAfter([report(300), refund('re_1', 300)])).toBe(300);
      expect(totalAfter([report(300, 5), refund('re_1', 300), refund('re_2', 200, 2)])).toBe(500);
    });

    it('reaches the sum of the named refunds whatever the order', () => {
      const commands = [refund('re_1', 300, 1), report(300, 1), report(500, 2), refund('re_2', 200, 2)];
      for (const order of [commands, [...commands].reverse(), [commands[2], commands[0], commands[3], commands[1]]]) {
        expect(totalAfter(order)).toBe(500);
      }
    });

    it('takes a reversed refund back out, also when its report comes after the reversal', () => {
      expect(totalAfter([refund('re_1', 300), reverse('re_1', 300, 3)])).toBe(0);
      expect(totalAfter([reverse('re_1', 300, 3), refund('re_1', 300)])).toBe(0);
      expect(totalAfter([report(300, 1), reverse('re_1', 300, 3), refund('re_1', 300)])).toBe(0);
      expect(totalAfter([refund('re_1', 300), refund('re_2', 200, 1), report(500, 1), reverse('re_1', 300, 3)])).toBe(200);
    });

    it('does not guess when the recorded refunds exceed the provider total: it reports a mismatch', () => {
      const apiRefundId = '7f1d1c3a-5b2e-4c1e-9a51-0d9b8f6e2a10';
      const history = [...histories.succeeded(), ...run(histories.succeeded(), [refund(apiRefundId, 300), refund('re_9', 300)])];
      given(history)
        .when(report(300, 1))
        .then([
          {
            type: 'PaymentRefundMismatch',
            data: { ...id, reportedTotal: 300, recordedTotal: 600, currency: 'USD', detectedAt: at(1).toISOString() },
          },
        ]);
    });

    it('ignores a stale cumulative report made before a refund it does not include', () => {
      given([...histories.succeeded(), ...run(histories.succeeded(), [refund('re_1', 300, 0), refund('re_2', 200, 5)])])
        .when(report(300, 1))
        .then([]);
    });

    it('refuses a refund that would take the total above the captured amount', () => {
      expect(totalAfter([report(AMOUNT), refund('re_x', 1, 10)])).toBe(AMOUNT);
      expect(() => totalAfter([refund('re_x', AMOUNT), refund('re_y', 1, 10)])).toThrow(/exceeds/);
    });
  });
});
