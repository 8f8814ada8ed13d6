import * as payloads from '../testing';
import { mapPaystackEvent } from './paystack';
import { mapStripeEvent } from './stripe';

describe('risk signals in provider payloads (issue 30)', () => {
  it("takes a Stripe charge's card fingerprint and country and billing e-mail, as sent", () => {
    const ids = { paymentIntent: 'pi_1', charge: 'ch_1' };
    const charge = payloads.charge(ids, {
      status: 'failed',
      billing_details: { email: 'jenny@example.com' },
    });
    const intent = mapStripeEvent(payloads.stripeEvent('evt_1', 'charge.failed', charge));
    expect(intent).toMatchObject({
      facts: { riskSignals: { cardFingerprint: 'mToisGZ01V71BCos', cardCountry: 'US', email: 'jenny@example.com' } },
    });
  });

  it("takes a Paystack charge's authorization signature and country, the customer's e-mail and the IP address", () => {
    const intent = mapPaystackEvent(payloads.chargeSuccess('ref_1', { authorization: { signature: 'SIG_abc', country_code: 'NG' } }));
    expect(intent).toMatchObject({ facts: { riskSignals: { cardFingerprint: 'SIG_abc', cardCountry: 'NG', ipAddress: '41.242.49.37' } } });
  });
});
