import type { PaymentCommandOf } from './commands';
import { ChargeDisputedError, DisputeExceedsCapturedError, PaymentAlreadyDisputedError, ProviderRefundIdRequiredError } from './errors';
import type { PaymentEvent } from './events';
import { foldPayment } from './payment';
import { AMOUNT, AT, NOW, PAYMENT_ID, commands, events, histories } from './testing/fixtures';
import { given } from './testing/given';

const id = { paymentId: PAYMENT_ID };
const providerRefund = (amount: number, refundId = 're_p'): PaymentCommandOf<'RefundPayment'> => ({
  type: 'RefundPayment',
  data: { ...id, refundId, providerRefundId: refundId, amount, reportedByProvider: true },
  now: NOW,
});
const providerDispute = (amount: number, disputeId = 'dp_stripe'): PaymentCommandOf<'OpenDispute'> => ({
  type: 'OpenDispute',
  data: { ...id, disputeId, providerDisputeId: disputeId, reason: 'fraudulent', amount, reportedByProvider: true },
  now: NOW,
});
const closed = (outcome: 'lost' | 'won' | 'prevented', amount = AMOUNT, disputeId = 'dp_1'): PaymentEvent => ({
  type: 'PaymentDisputeClosed',
  data: { ...id, disputeId, outcome, amount, currency: 'USD', closedAt: AT },
});
const close = (outcome: 'lost' | 'won' | 'prevented', disputeId = 'dp_1'): PaymentCommandOf<'CloseDispute'> => ({
  type: 'CloseDispute',
  data: { ...id, disputeId, outcome },
  now: NOW,
});
const overCapture = (mismatchId: string, subject: 'refund' | 'dispute', amount: number, reference: string): PaymentEvent => ({
  type: 'PaymentProviderMismatch',
  data: {
    ...id,
    mismatchId,
    subject,
    kind: 'amount',
    holds: false,
    ours: { amount: AMOUNT, currency: 'USD' },
    provider: { amount, currency: 'USD', references: [reference] },
    detectedAt: AT,
  },
});

describe('Payment: disputes and refunds beyond the charge', () => {
  describe('case 8: refunds through the API while disputed', () => {
    it('refuses an API refund while a dispute is open (charge_disputed)', () => {
      given(histories.disputed()).when(commands.refund(1_000)).thenThrows(ChargeDisputedError, { disputeId: 'dp_1', status: 'open' });
    });

    it('refuses an API refund after a lost dispute', () => {
      given([...histories.disputed(), closed('lost')])
        .when(commands.refund(1_000))
        .thenThrows(ChargeDisputedError, { status: 'lost' });
    });

    it('accepts an API refund after a won dispute', () => {
      given([...histories.disputed(), closed('won')])
        .when(commands.refund(1_000))
        .then([events.refunded(1_000, 1_000)]);
    });

    it("books the provider's own refund during an open dispute; past the capture with the loss, a mismatch as well", () => {
      given(histories.disputed())
        .when(providerRefund(4_000))
        .then([
          {
            type: 'PaymentRefunded',
            data: {
              ...id,
              refundId: 're_p',
              providerRefundId: 're_p',
              amount: 4_000,
              currency: 'USD',
              totalRefunded: 4_000,
              refundedAt: AT,
            },
          },
        ]);
      given([...histories.disputed(), closed('lost')])
        .when(providerRefund(4_000))
        .then([
          {
            type: 'PaymentRefunded',
            data: {
              ...id,
              refundId: 're_p',
              providerRefundId: 're_p',
              amount: 4_000,
              currency: 'USD',
              totalRefunded: 4_000,
              refundedAt: AT,
            },
          },
          overCapture('refund:re_p', 'refund', 4_000, 're_p'),
        ]);
    });

    it('a loss that takes refunds plus losses above the capture is booked, with a mismatch', () => {
      const refundedThenDisputed = [...histories.partiallyRefunded(), events.disputed()];
      given(refundedThenDisputed)
        .when(close('lost'))
        .then([closed('lost'), overCapture('dispute-loss:dp_1', 'dispute', AMOUNT, 'dp_1')]);
    });
  });

  describe('case 3: a dispute larger than the charge', () => {
    it("books the provider's dispute as reported and raises a mismatch", () => {
      given(histories.succeeded())
        .when(providerDispute(AMOUNT + 1_500))
        .then([
          {
            type: 'PaymentDisputed',
            data: {
              ...id,
              disputeId: 'dp_stripe',
              providerDisputeId: 'dp_stripe',
              reason: 'fraudulent',
              amount: AMOUNT + 1_500,
              currency: 'USD',
              disputedAt: AT,
            },
          },
          overCapture('dispute:dp_stripe', 'dispute', AMOUNT + 1_500, 'dp_stripe'),
        ]);
    });

    it('still refuses one through the API', () => {
      given(histories.succeeded())
        .when(commands.openDispute(AMOUNT + 1))
        .thenThrows(DisputeExceedsCapturedError);
    });
  });

  describe("case 4: the provider's report of a dispute opened through the API", () => {
    it('links to the one open API dispute without a provider id, as an event of its own; its close then closes it', () => {
      given(histories.disputed())
        .when(providerDispute(AMOUNT))
        .then([{ type: 'PaymentDisputeLinked', data: { ...id, disputeId: 'dp_1', providerDisputeId: 'dp_stripe', linkedAt: AT } }]);
      const linked = [
        ...histories.disputed(),
        { type: 'PaymentDisputeLinked', data: { ...id, disputeId: 'dp_1', providerDisputeId: 'dp_stripe', linkedAt: AT } } as PaymentEvent,
      ];
      given(linked)
        .when(close('lost', 'dp_stripe'))
        .then([closed('lost')]);
      expect(foldPayment(linked).disputes.dp_1).toMatchObject({ open: true, providerDisputeId: 'dp_stripe' });
    });

    it('anything ambiguous (the open dispute names another provider dispute) is a mismatch, not a second dispute', () => {
      const named = [
        ...histories.succeeded(),
        { ...events.disputed(), data: { ...events.disputed().data, providerDisputeId: 'dp_other' } },
      ];
      given(named)
        .when(providerDispute(AMOUNT))
        .then([
          {
            type: 'PaymentProviderMismatch',
            data: {
              ...id,
              mismatchId: 'dispute:dp_stripe',
              subject: 'dispute',
              kind: 'object',
              holds: false,
              ours: { amount: AMOUNT, currency: 'USD' },
              provider: { amount: AMOUNT, currency: 'USD', references: ['dp_stripe'] },
              detectedAt: AT,
            },
          },
        ]);
      given(named).when(commands.openDispute(undefined, 'dp_2')).thenThrows(PaymentAlreadyDisputedError);
    });
  });

  it('case 7: a dispute closed as prevented takes nothing back', () => {
    given(histories.disputed())
      .when(close('prevented'))
      .then([closed('prevented')]);
  });
});

describe('Payment: case 5, an API refund without the provider id after the provider named refunds', () => {
  const UUID = '3f1c2a7e-6b8d-4c1e-9a2f-5d7e8b9c0a1b';
  const named: PaymentEvent = {
    type: 'PaymentRefunded',
    data: { ...id, refundId: 're_1', providerRefundId: 're_1', amount: 3_000, currency: 'USD', totalRefunded: 3_000, refundedAt: AT },
  };
  const api = (providerRefundId?: string): PaymentCommandOf<'RefundPayment'> => ({
    type: 'RefundPayment',
    data: providerRefundId ? { ...id, refundId: UUID, providerRefundId, amount: 3_000 } : { ...id, refundId: UUID, amount: 3_000 },
    now: NOW,
  });

  it('is refused (provider_refund_id_required) rather than counted a second time', () => {
    given([...histories.succeeded(), named])
      .when(api())
      .thenThrows(ProviderRefundIdRequiredError, { named: 're_1' });
  });

  it('with the provider id it is that refund: nothing more is counted', () => {
    given([...histories.succeeded(), named])
      .when(api('re_1'))
      .then([]);
  });

  it('without any provider-named refund it counts as before', () => {
    given(histories.succeeded())
      .when(api())
      .then([
        { type: 'PaymentRefunded', data: { ...id, refundId: UUID, amount: 3_000, currency: 'USD', totalRefunded: 3_000, refundedAt: AT } },
      ]);
  });
});
