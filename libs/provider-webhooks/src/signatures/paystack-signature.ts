import { constantTimeEqual, hmacHex } from '@ledger/security';
import { signatureFailed, signatureOk, type SignatureCheck } from '../errors';

/** `x-paystack-signature`: hex HMAC-SHA512 of the raw body with the secret key. Paystack signs no timestamp. */
export function verifyPaystackSignature(input: {
  readonly rawBody: Buffer;
  readonly header: string | undefined;
  readonly secret: string | undefined;
}): SignatureCheck {
  if (!input.secret) return signatureFailed('not_configured');
  if (!input.header) return signatureFailed('missing_header');
  const given = input.header.trim().toLowerCase();
  if (!/^[0-9a-f]{128}$/.test(given)) return signatureFailed('malformed_header');
  const expected = hmacHex('sha512', input.secret, input.rawBody);
  return constantTimeEqual(expected, given) ? signatureOk : signatureFailed('no_matching_signature');
}
