import { signAlertBody, verifyAlertSignature } from './signature';

describe('X-Ledger-Signature', () => {
  const secret = 'whsec_0123456789abcdef';
  const body = '{"id":"alert-1"}';
  const at = new Date('2026-01-01T00:00:00Z');

  it('signs t.body with HMAC-SHA256 and verifies within the tolerance', () => {
    const header = signAlertBody(body, secret, at);
    expect(header).toMatch(/^t=1767225600,v1=[0-9a-f]{64}$/);
    expect(verifyAlertSignature(header, body, secret, 300, new Date(at.getTime() + 299_000))).toBe(true);
  });

  it('refuses another body, another secret, a stale timestamp or no header', () => {
    const header = signAlertBody(body, secret, at);
    expect(verifyAlertSignature(header, '{"id":"alert-2"}', secret, 300, at)).toBe(false);
    expect(verifyAlertSignature(header, body, 'whsec_other_secret_00', 300, at)).toBe(false);
    expect(verifyAlertSignature(header, body, secret, 300, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifyAlertSignature(undefined, body, secret, 300, at)).toBe(false);
  });
});
