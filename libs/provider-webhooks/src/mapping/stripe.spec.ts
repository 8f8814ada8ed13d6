import { maskCardData } from '@ledger/security';
import { WebhookPayloadError } from '../errors';
import * as payloads from '../testing/stripe-fixtures';
import { mapStripeEvent } from './stripe';

const ids = { paymentIntent: 'pi_3MtwBwLkdIwHu7ix28a3tqPa', charge: 'ch_3MtwBwLkdIwHu7ix0W4cKb1a', paymentId: 'pay_1042' };
const event = (type: string, object: Record<string, unknown>) => payloads.stripeEvent('evt_1', type, object);

describe('Stripe mapping', () => {
  it('maps payment_intent.succeeded with its facts, upper-case currency and our payment id', () => {
    expect(mapStripeEvent(event('payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')))).toEqual({
      kind: 'payment',
      eventType: 'payment_intent.succeeded',
      references: [ids.paymentIntent],
      paymentIdHint: 'pay_1042',
      facts: {
        amount: 2000,
        // amount_received: what was captured, booked on success.
        captured: 2000,
        currency: 'USD',
        providerPaymentId: ids.paymentIntent,
        // latest_charge: the charge that captured it, carried in PaymentSucceeded.
        chargeId: ids.charge,
        customerId: 'cus_NffrFeUfNV2Hib',
        description: 'Order #1042',
        createdAt: new Date(1_700_000_000_000),
      },
      action: { type: 'succeed' },
      occurredAt: new Date(1_700_000_000_000),
    });
  });

  it('maps payment_failed to the decline code, else the error code', () => {
    const declined = mapStripeEvent(event('payment_intent.payment_failed', payloads.declinedIntent(ids)));
    expect(declined.kind === 'payment' && declined.action).toEqual({
      type: 'fail',
      errorCode: 'insufficient_funds',
      errorMessage: 'Your card has insufficient funds.',
      // The failed attempt is its charge (last_payment_error.charge): charge.failed about it is the same attempt.
      attemptId: ids.charge,
    });
    const intent = payloads.paymentIntent(ids, 'requires_payment_method', {
      last_payment_error: { code: 'expired_card', message: 'Expired' },
    });
    const expired = mapStripeEvent(event('payment_intent.payment_failed', intent));
    expect(expired.kind === 'payment' && expired.action).toMatchObject({ errorCode: 'expired_card' });
  });

  it('maps charge.failed to failure_code and keeps only token, brand and last 4 of the card', () => {
    const failed = payloads.charge(ids, { status: 'failed', paid: false, failure_code: 'card_declined', failure_message: 'Declined' });
    const intent = mapStripeEvent(event('charge.failed', failed));
    expect(intent).toMatchObject({
      references: [ids.paymentIntent, ids.charge],
      action: { type: 'fail', errorCode: 'card_declined', errorMessage: 'Declined', attemptId: ids.charge },
      facts: { card: { token: 'pm_1MtHbELkdIwHu7ixl4OzzPMv', brand: 'visa', last4: '4242' } },
    });
  });

  it('maps charge.refunded to every listed refund and the cumulative total', () => {
    const refunded = payloads.refundedCharge(ids, [
      { id: 're_1', amount: 500 },
      { id: 're_2', amount: 300 },
    ]);
    const intent = mapStripeEvent(event('charge.refunded', refunded));
    expect(intent.kind === 'payment' && intent.action).toEqual({
      type: 'refunds',
      refunds: [
        { refundId: 're_2', amount: 300, failed: false, reason: 'requested_by_customer', at: new Date(1_700_000_100_000), currency: 'USD' },
        { refundId: 're_1', amount: 500, failed: false, reason: 'requested_by_customer', at: new Date(1_700_000_100_000), currency: 'USD' },
      ],
      reportedTotal: 800,
    });
  });

  it('keeps only the cumulative total when the refunds list is not expanded (current API versions)', () => {
    const refunded = payloads.charge(ids, { amount_refunded: 700, refunds: undefined });
    const intent = mapStripeEvent(event('charge.refunded', refunded));
    expect(intent.kind === 'payment' && intent.action).toEqual({ type: 'refunds', refunds: [], reportedTotal: 700 });
  });

  it.each(['refund.updated', 'charge.refund.updated'])('maps a failed or canceled refund in %s to a reversal', (type) => {
    for (const status of ['failed', 'canceled']) {
      const intent = mapStripeEvent(event(type, { ...payloads.refundObject(ids, 're_5', 100), status }));
      expect(intent).toMatchObject({ action: { type: 'refunds', refunds: [{ refundId: 're_5', amount: 100, failed: true }] } });
    }
  });

  it.each([
    ['charge.dispute.closed', 'won', 'won'],
    ['charge.dispute.closed', 'lost', 'lost'],
    ['charge.dispute.closed', 'warning_closed', 'warning_closed'],
    ['charge.dispute.funds_reinstated', 'won', 'won'],
    ['charge.dispute.updated', 'under_review', undefined],
    ['charge.dispute.funds_withdrawn', 'needs_response', undefined],
  ])('maps %s with status %s to the outcome %s', (type, status, outcome) => {
    const intent = mapStripeEvent(event(type, { ...payloads.dispute(ids, 1500), status }));
    const action = intent.kind === 'payment' ? intent.action : undefined;
    expect(action).toMatchObject({ type: 'dispute', disputeId: 'dp_1MtJUT2eZvKYlo2CNaw2HvEv', amount: 1500 });
    expect(action && 'outcome' in action ? action.outcome : undefined).toBe(outcome);
  });

  it('dates the intent by the event and the payment by its object', () => {
    const intent = mapStripeEvent({
      ...event('payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')),
      created: 1_700_000_050,
    });
    expect(intent).toMatchObject({ occurredAt: new Date(1_700_000_050_000), facts: { createdAt: new Date(1_700_000_000_000) } });
  });

  it('maps refund.created, disputes and early fraud warnings through their charge', () => {
    expect(mapStripeEvent(event('refund.created', payloads.refundObject(ids, 're_9', 250)))).toMatchObject({
      references: [ids.paymentIntent, ids.charge],
      action: { type: 'refunds', refunds: [{ refundId: 're_9', amount: 250, failed: false, reason: 'requested_by_customer' }] },
    });
    expect(mapStripeEvent(event('charge.dispute.created', payloads.dispute(ids, 1500)))).toMatchObject({
      action: { type: 'dispute', disputeId: 'dp_1MtJUT2eZvKYlo2CNaw2HvEv', reason: 'fraudulent', amount: 1500 },
    });
    const efw = mapStripeEvent(event('radar.early_fraud_warning.created', payloads.earlyFraudWarning(ids)));
    expect(efw).toMatchObject({ action: { type: 'flagFraud', reason: 'early_fraud_warning:made_with_stolen_card' } });
    expect(efw).not.toHaveProperty('facts');
  });

  it('ignores event types it does not handle', () => {
    expect(mapStripeEvent(event('customer.created', { id: 'cus_1' }))).toEqual({ kind: 'ignored', eventType: 'customer.created' });
  });

  it.each([
    ['a fractional amount', { amount: 19.99 }],
    ['a negative amount', { amount: -1 }],
    ['an unknown currency', { currency: 'xyz' }],
  ])('refuses %s', (_label, override) => {
    const intent = payloads.paymentIntent(ids, 'succeeded', override);
    expect(() => mapStripeEvent(event('payment_intent.succeeded', intent))).toThrow(WebhookPayloadError);
  });

  it('keeps no card number that reached a masked payload', () => {
    const leaky = payloads.paymentIntent(ids, 'succeeded', { description: 'card 4242 4242 4242 4242' });
    const intent = mapStripeEvent(maskCardData(event('payment_intent.succeeded', leaky)));
    expect(JSON.stringify(intent)).not.toContain('4242 4242 4242 4242');
  });
});
