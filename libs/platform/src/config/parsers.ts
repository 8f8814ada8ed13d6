/** Parsers for the compact formats of CONTRACT.md's configuration table. Each throws a message, never a stack. */

export interface RateLimitRule {
  readonly capacity: number;
  readonly windowMs: number;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `payment=10/15m,refund=5/1h` → { payment: { capacity: 10, windowMs: 900000 }, ... } */
export function parseRateLimits(value: string): Record<string, RateLimitRule> {
  const out: Record<string, RateLimitRule> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+)=(\d+)\/(\d*)([smhd])$/.exec(part);
    if (!m) throw new Error(`"${part}" is not class=N/window (e.g. payment=10/15m)`);
    const capacity = Number(m[2]);
    const windowMs = Number(m[3] || '1') * UNITS[m[4]];
    if (capacity < 1 || windowMs < 1) throw new Error(`"${part}" needs a positive count and window`);
    out[m[1]] = { capacity, windowMs };
  }
  return out;
}

/** `USD=100000,EUR=90000` → { USD: 100000, EUR: 90000 } (minor units, per currency: no FX guessing). */
export function parseCurrencyAmounts(value: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Z]{3})=(\d+)$/.exec(part);
    if (!m || !Number.isSafeInteger(Number(m[2]))) throw new Error(`"${part}" is not CUR=minorUnits (e.g. USD=100000)`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

export function parseList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `30s`, `15m`, `24h`, `7d` or plain milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)(ms|[smhd])?$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not a duration (e.g. 30s, 15m, 24h)`);
  return m[2] === undefined || m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * UNITS[m[2]];
}
