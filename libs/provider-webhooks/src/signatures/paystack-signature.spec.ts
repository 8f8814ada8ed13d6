import { createHmac } from 'node:crypto';
import { verifyPaystackSignature } from './paystack-signature';

const secret = 'sk_test_4f8b2c1d9e7a6b5c4d3e2f1a';
const body = Buffer.from('{"event":"charge.success","data":{"id":302961,"reference":"qTPrJoy9Bx"}}');
const sign = (raw: Buffer, key = secret) => createHmac('sha512', key).update(raw).digest('hex');

describe('Paystack signature', () => {
  it('accepts the HMAC-SHA512 of the raw body', () => {
    expect(verifyPaystackSignature({ rawBody: body, header: sign(body), secret })).toEqual({ ok: true });
  });

  it('accepts the hex in upper case', () => {
    expect(verifyPaystackSignature({ rawBody: body, header: sign(body).toUpperCase(), secret }).ok).toBe(true);
  });

  it('refuses a tampered body', () => {
    const tampered = Buffer.from(body.toString().replace('302961', '302962'));
    expect(verifyPaystackSignature({ rawBody: tampered, header: sign(body), secret })).toEqual({
      ok: false,
      reason: 'no_matching_signature',
    });
  });

  it('refuses another key', () => {
    expect(verifyPaystackSignature({ rawBody: body, header: sign(body, 'sk_test_other'), secret }).ok).toBe(false);
  });

  it.each([
    [undefined, 'missing_header'],
    ['', 'missing_header'],
    ['abc', 'malformed_header'],
    [createHmac('sha256', secret).update(body).digest('hex'), 'malformed_header'],
  ])('refuses header %p', (header, reason) => {
    expect(verifyPaystackSignature({ rawBody: body, header, secret })).toEqual({ ok: false, reason });
  });

  it('refuses everything when no secret is configured', () => {
    expect(verifyPaystackSignature({ rawBody: body, header: sign(body), secret: undefined })).toEqual({
      ok: false,
      reason: 'not_configured',
    });
  });
});
