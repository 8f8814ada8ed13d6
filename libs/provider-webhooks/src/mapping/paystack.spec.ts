import { WebhookPayloadError } from '../errors';
import * as payloads from '../testing/paystack-fixtures';
import { mapPaystackEvent } from './paystack';

describe('Paystack mapping', () => {
  it('maps charge.success with the reference as provider payment id and the authorization as card token', () => {
    expect(mapPaystackEvent(payloads.chargeSuccess('qTPrJoy9Bx'))).toEqual({
      kind: 'payment',
      eventType: 'charge.success',
      references: ['qTPrJoy9Bx'],
      facts: {
        amount: 10000,
        currency: 'NGN',
        providerPaymentId: 'qTPrJoy9Bx',
        customerId: 'CUS_qo38as2hpsgk2r0',
        card: { token: 'AUTH_f5rnfq9p', brand: 'mastercard DEBIT', last4: '8877' },
        // Risk signals as sent (issue 30): the door validates and tokenises them.
        riskSignals: { cardCountry: 'NG', email: 'bojack@horseman.com', ipAddress: '41.242.49.37' },
        createdAt: new Date('2016-09-30T21:09:56.000Z'),
      },
      action: { type: 'succeed' },
      occurredAt: new Date('2016-09-30T21:10:19.000Z'),
    });
  });

  it('reads our payment id from metadata, also when Paystack sends it as a JSON string', () => {
    const asObject = mapPaystackEvent(payloads.chargeSuccess('ref1', { metadata: { paymentId: 'pay_7' } }));
    const asString = mapPaystackEvent(payloads.chargeSuccess('ref1', { metadata: '{"paymentId":"pay_7"}' }));
    expect(asObject).toMatchObject({ paymentIdHint: 'pay_7' });
    expect(asString).toMatchObject({ paymentIdHint: 'pay_7' });
  });

  it('normalises amounts sent as strings', () => {
    expect(mapPaystackEvent(payloads.chargeSuccess('ref1', { amount: '10000' }))).toMatchObject({ facts: { amount: 10000 } });
    expect(mapPaystackEvent(payloads.refundProcessed('ref1', 'rf_1', '2500'))).toMatchObject({
      references: ['ref1'],
      action: { type: 'refunds', refunds: [{ refundId: 'rf_1', amount: 2500, failed: false }] },
    });
  });

  it.each([['100.50'], ['-5'], ['1e4'], [12.5], [null]])('refuses the amount %p', (amount) => {
    expect(() => mapPaystackEvent(payloads.refundProcessed('ref1', 'rf_1', amount as string))).toThrow(WebhookPayloadError);
  });

  it('maps charge.dispute.create through the transaction reference', () => {
    expect(mapPaystackEvent(payloads.disputeCreated('ref1', 4000))).toMatchObject({
      references: ['ref1'],
      facts: { amount: 10000, currency: 'NGN' },
      action: { type: 'dispute', reason: 'chargeback', amount: 4000 },
    });
  });

  it('ignores other events and refuses a charge without a reference', () => {
    expect(mapPaystackEvent({ event: 'transfer.success', data: {} })).toEqual({ kind: 'ignored', eventType: 'transfer.success' });
    expect(() => mapPaystackEvent({ event: 'charge.success', data: { amount: 1 } })).toThrow(WebhookPayloadError);
  });
});

describe('Paystack dispute lifecycle', () => {
  const withData = (event: Record<string, unknown>, extra: Record<string, unknown>) => ({
    ...event,
    data: { ...(event.data as Record<string, unknown>), ...extra },
  });

  it.each([
    ['charge.dispute.create', undefined, undefined],
    ['charge.dispute.remind', undefined, undefined],
    ['charge.dispute.resolve', 'merchant-accepted', 'lost'],
    ['charge.dispute.resolve', 'declined', 'won'],
  ])('maps %s (resolution %s) to the outcome %s, keyed by the dispute id', (type, resolution, outcome) => {
    const event = withData({ ...payloads.disputeCreated('ref1', 4000), event: type }, { id: 358950, resolution });
    const intent = mapPaystackEvent(event);
    const action = intent.kind === 'payment' ? intent.action : undefined;
    expect(action).toMatchObject({ type: 'dispute', disputeId: '358950', amount: 4000 });
    expect(action && 'outcome' in action ? action.outcome : undefined).toBe(outcome);
  });
});
