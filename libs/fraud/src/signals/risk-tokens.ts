import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import type { RiskSignals } from '@ledger/payments-domain';
import type { DataKeyStore } from '@ledger/security';
import { isCountryCode } from './countries';

/** The signals as a client or a provider gives them (all optional). */
export interface RawRiskSignals {
  readonly ipAddress?: string;
  readonly ipCountry?: string;
  readonly cardFingerprint?: string;
  readonly cardCountry?: string;
  readonly deviceId?: string;
  readonly email?: string;
}

export const RISK_SIGNAL_FIELDS = ['ipAddress', 'ipCountry', 'cardFingerprint', 'cardCountry', 'deviceId', 'email'] as const;

/** The key of the blind indexes: one for the whole ledger (tokens must match across customers), never forgotten. */
const TOKEN_KEY_OWNER = 'token-key:fraud-signals';
const PREFIX = 'ftok_';

const normalised = {
  ip: (v: string) => v.trim().toLowerCase(),
  card: (v: string) => v.trim(),
  device: (v: string) => v.trim(),
  email: (v: string) => v.trim().toLowerCase(),
};

/**
 * Keyed tokens (HMAC-SHA-256 under a key of `ledger.data_keys`) of the risk signals: the same value always gives
 * the same token, so the process manager matches payments of different customers without the values. The tokens
 * travel only inside the payment's sealed `risk`, so a forgotten customer's tokens are unreadable in the log.
 */
export class RiskTokens {
  constructor(private readonly keys: Pick<DataKeyStore, 'keyFor'>) {}

  /** The signals to store (sealed by the command runner), or undefined when none was given. */
  async riskOf(raw: RawRiskSignals): Promise<RiskSignals | undefined> {
    const given = Object.fromEntries(RISK_SIGNAL_FIELDS.filter((f) => raw[f] !== undefined && raw[f] !== '').map((f) => [f, raw[f]]));
    if (Object.keys(given).length === 0) return undefined;
    const { key } = await this.keys.keyFor(TOKEN_KEY_OWNER);
    const token = (kind: keyof typeof normalised, value: string | undefined) =>
      value === undefined || value === ''
        ? undefined
        : PREFIX +
          createHmac('sha256', key)
            .update(`${kind}:${normalised[kind](value)}`)
            .digest('base64url');
    const tokens = Object.fromEntries(
      Object.entries({
        ip: token('ip', raw.ipAddress),
        card: token('card', raw.cardFingerprint),
        device: token('device', raw.deviceId),
        email: token('email', raw.email),
      }).filter(([, v]) => v !== undefined),
    );
    return { ...given, tokens };
  }
}

/**
 * A provider's signals, kept only where they are well formed (not ours to refuse: a malformed one is dropped,
 * the delivery still booked).
 */
export function providerSignals(raw: Partial<Record<keyof RawRiskSignals, unknown>>): RawRiskSignals {
  const text = (v: unknown, max = 255) => (typeof v === 'string' && v.trim() !== '' && v.length <= max ? v.trim() : undefined);
  const country = (v: unknown) => (typeof v === 'string' && isCountryCode(v.toUpperCase()) ? v.toUpperCase() : undefined);
  const ip = text(raw.ipAddress, 64);
  const email = text(raw.email, 320);
  return Object.fromEntries(
    Object.entries({
      ipAddress: ip && isIP(ip) ? ip : undefined,
      ipCountry: country(raw.ipCountry),
      cardFingerprint: text(raw.cardFingerprint),
      cardCountry: country(raw.cardCountry),
      deviceId: text(raw.deviceId),
      email: email && email.includes('@') ? email : undefined,
    }).filter(([, v]) => v !== undefined),
  );
}
