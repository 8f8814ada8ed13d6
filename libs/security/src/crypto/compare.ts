import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/**
 * Equality without a timing side channel. timingSafeEqual throws on unequal
 * lengths (and leaking the length is itself a signal), so both sides are
 * hashed to 32 bytes first.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

export function hmacHex(alg: HmacAlgorithm, secret: string | Buffer, payload: string | Buffer): string {
  return createHmac(alg, secret).update(payload).digest('hex');
}
