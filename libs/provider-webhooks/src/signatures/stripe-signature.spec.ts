import Stripe from 'stripe';
import { verifyStripeSignature } from './stripe-signature';

const stripe = new Stripe('sk_test_unused');
const secret = 'whsec_current_5nHyQ4LPvx6sZ0aG';
const oldSecret = 'whsec_previous_Ab12Cd34Ef56';
const now = 1_700_000_000;
const body = Buffer.from(JSON.stringify({ id: 'evt_1', object: 'event', type: 'charge.succeeded' }));

const header = (opts: { secret?: string; timestamp?: number; payload?: string } = {}) =>
  stripe.webhooks.generateTestHeaderString({
    payload: opts.payload ?? body.toString(),
    secret: opts.secret ?? secret,
    timestamp: opts.timestamp ?? now,
  });

const verify = (h: string | undefined, secrets = [secret], raw = body) =>
  verifyStripeSignature({ rawBody: raw, header: h, secrets, nowSeconds: now });

describe('Stripe signature', () => {
  it('accepts a header signed by Stripe over the exact bytes', () => {
    expect(verify(header())).toEqual({ ok: true });
  });

  it('refuses a tampered body', () => {
    const tampered = Buffer.from(body.toString().replace('charge.succeeded', 'charge.refunded'));
    expect(verify(header(), [secret], tampered)).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('refuses a body that differs only in whitespace, because the bytes are what was signed', () => {
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    expect(verify(header(), [secret], reformatted).ok).toBe(false);
  });

  it('refuses the wrong secret', () => {
    expect(verify(header({ secret: 'whsec_wrong' }))).toEqual({ ok: false, reason: 'no_matching_signature' });
  });

  it('accepts any configured secret during a rotation', () => {
    expect(verify(header({ secret: oldSecret }), [secret, oldSecret])).toEqual({ ok: true });
  });

  it('accepts a header with several v1 signatures when one matches', () => {
    const good = header().split(',')[1];
    expect(verify(`t=${now},v1=${'0'.repeat(64)},${good}`)).toEqual({ ok: true });
  });

  it.each([
    ['300 s old', now - 300, true],
    ['300 s ahead', now + 300, true],
    ['301 s old', now - 301, false],
    ['301 s ahead', now + 301, false],
  ])('tolerance: %s', (_label, timestamp, ok) => {
    expect(verify(header({ timestamp })).ok).toBe(ok);
    if (!ok) expect(verify(header({ timestamp }))).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });

  it.each([
    ['missing', undefined, 'missing_header'],
    ['without a timestamp', `v1=${'a'.repeat(64)}`, 'malformed_header'],
    ['without a v1', `t=${now},v0=${'a'.repeat(64)}`, 'malformed_header'],
    ['garbage', 'not a signature', 'malformed_header'],
  ])('refuses a header that is %s', (_label, h, reason) => {
    expect(verify(h)).toEqual({ ok: false, reason });
  });

  it('reports an unconfigured secret rather than accepting anything', () => {
    expect(verify(header(), [])).toEqual({ ok: false, reason: 'not_configured' });
  });
});
