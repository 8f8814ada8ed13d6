import * as payloads from '../testing';
import { mapPaystackEvent } from './paystack';
import { mapStripeEvent } from './stripe';

const factsOf = (intent: ReturnType<typeof mapStripeEvent>) => (intent.kind === 'payment' ? intent.facts : undefined);

describe('provider customer ids through the customer-id rule (issue 29, case 1)', () => {
  const ids = { paymentIntent: 'pi_customerrule', charge: 'ch_customerrule' };

  it('keeps a plain Stripe or Paystack customer id as the customer id', () => {
    const stripe = mapStripeEvent(
      payloads.stripeEvent('evt_1', 'payment_intent.created', payloads.paymentIntent(ids, 'requires_payment_method')),
    );
    expect(factsOf(stripe)).toMatchObject({ customerId: 'cus_NffrFeUfNV2Hib' });
    expect(factsOf(stripe)).not.toHaveProperty('personalCustomerId');
    expect(factsOf(mapPaystackEvent(payloads.chargeSuccess('ref_plain')))).toMatchObject({ customerId: 'CUS_qo38as2hpsgk2r0' });
  });

  it.each(['bob.jones@example.com', '+44 20 7946 0958', 'Bob Jones', 'id with; odd characters'])(
    'never plans with %j: it is carried apart for the door to tokenise',
    (customer) => {
      const stripe = factsOf(
        mapStripeEvent(
          payloads.stripeEvent('evt_2', 'payment_intent.created', payloads.paymentIntent(ids, 'requires_payment_method', { customer })),
        ),
      );
      expect(stripe?.customerId).toBeUndefined();
      expect(stripe?.personalCustomerId).toBe(customer);
      const paystack = factsOf(mapPaystackEvent(payloads.chargeSuccess('ref_personal', { customer: { customer_code: customer } })));
      expect(paystack?.customerId).toBeUndefined();
      expect(paystack?.personalCustomerId).toBe(customer);
    },
  );
});

describe('provider error codes stay in clear only as identifiers (issue 29, case 2)', () => {
  const ids = { paymentIntent: 'pi_errorcode', charge: 'ch_errorcode' };
  const failed = (lastError: Record<string, unknown>) => {
    const intent = mapStripeEvent(
      payloads.stripeEvent('evt_3', 'payment_intent.payment_failed', { ...payloads.declinedIntent(ids), last_payment_error: lastError }),
    );
    return intent.kind === 'payment' ? intent.action : undefined;
  };

  it('keeps an identifier as the error code', () => {
    expect(failed({ decline_code: 'insufficient_funds', code: 'card_declined', message: 'x' })).toMatchObject({
      type: 'fail',
      errorCode: 'insufficient_funds',
    });
  });

  it('never takes free text as the error code: it falls back to the next code, else a fixed one', () => {
    expect(failed({ decline_code: 'Bob Jones has no funds', code: 'card_declined' })).toMatchObject({ errorCode: 'card_declined' });
    expect(failed({ decline_code: 'bob@example.com', code: 'card of Bob' })).toMatchObject({ errorCode: 'payment_failed' });
  });
});
