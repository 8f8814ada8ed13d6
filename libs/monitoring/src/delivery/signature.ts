import { constantTimeEqual, hmacHex } from '@ledger/security';

export const SIGNATURE_HEADER = 'X-Ledger-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the timestamp is signed so a captured request cannot be replayed later. */
export function signAlertBody(body: string, secret: string, now = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${hmacHex('sha256', secret, `${t}.${body}`)}`;
}

/** For receivers (and tests): true when the header signs this body with this secret within the tolerance. */
export function verifyAlertSignature(
  header: string | undefined,
  body: string,
  secret: string,
  toleranceSec = 300,
  now = new Date(),
): boolean {
  const parts = new Map((header ?? '').split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || Math.abs(now.getTime() / 1000 - t) > toleranceSec) return false;
  return constantTimeEqual(v1, hmacHex('sha256', secret, `${t}.${body}`));
}
