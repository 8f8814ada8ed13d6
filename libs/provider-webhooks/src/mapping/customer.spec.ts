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
