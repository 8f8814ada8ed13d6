import { constantTimeEqual, hmacHex } from '@ledger/security';
import { signatureFailed, signatureOk, type SignatureCheck } from '../errors';

export const STRIPE_TOLERANCE_SECONDS = 300;

export interface StripeSignatureInput {
  readonly rawBody: Buffer;
  readonly header: string | undefined;
  /** Every configured `whsec_…`: during a rotation, old and new both verify. */
  readonly secrets: readonly string[];
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
}

/**
 * `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 over `${t}.${raw body}`.
 * Written here rather than taken from the stripe package because that one checks a
 * single secret and only rejects old timestamps; a timestamp from the future is
 * just as much a replay or a clock problem, so the window is symmetric.
 */
export function verifyStripeSignature(input: StripeSignatureInput): SignatureCheck {
  if (input.secrets.length === 0) return signatureFailed('not_configured');
  if (!input.header) return signatureFailed('missing_header');
  const parsed = parseStripeHeader(input.header);
  if (!parsed) return signatureFailed('malformed_header');
  const tolerance = input.toleranceSeconds ?? STRIPE_TOLERANCE_SECONDS;
  if (Math.abs(input.nowSeconds - parsed.timestamp) > tolerance) return signatureFailed('timestamp_out_of_tolerance');
  const signed = Buffer.concat([Buffer.from(`${parsed.timestamp}.`), input.rawBody]);
  let matched = false;
  // No early exit: every pair is compared, so timing says nothing about which secret matched.
  for (const secret of input.secrets) {
    const expected = hmacHex('sha256', secret, signed);
    for (const candidate of parsed.signatures) matched = constantTimeEqual(expected, candidate) || matched;
  }
  return matched ? signatureOk : signatureFailed('no_matching_signature');
}

export function parseStripeHeader(header: string): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}
