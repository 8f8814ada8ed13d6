import { createHmac, hkdfSync } from 'node:crypto';

/**
 * The fingerprint an Idempotency-Key is bound to, keyed per customer (issue 29, case 5): an HMAC-SHA-256 of the
 * canonical request under a key derived from the customer's data key, `rh1.<dataKeyId>.<base64url>`. An unsalted hash
 * of the body would let anyone holding the table confirm a guessed e-mail or reason; once the customer is forgotten
 * their data key is gone, so not even the ledger can recompute it. Not hex: a long run of hex digits can pass for a
 * card number with the detector that scans every stored value.
 */
const PREFIX = 'rh1';
const HASH = /^rh1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/;

/** A subkey of its own: the data key itself only ever encrypts. */
const hashKeyOf = (dataKey: Buffer): Buffer => Buffer.from(hkdfSync('sha256', dataKey, 'ledger/request-hash/v1', 'idempotency', 32));

export function keyedRequestHash(dataKey: { readonly id: string; readonly key: Buffer }, canonicalRequest: string): string {
  return `${PREFIX}.${dataKey.id}.${createHmac('sha256', hashKeyOf(dataKey.key)).update(canonicalRequest).digest('base64url')}`;
}

/** The data key id a stored keyed hash was made under; undefined for anything else (an unkeyed hash stored before). */
export function requestHashKeyId(stored: string): string | undefined {
  return HASH.exec(stored)?.[1];
}
