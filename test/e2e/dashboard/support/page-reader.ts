import type { Page } from 'playwright-core';

/** Exponents written out here on purpose, apart from the domain's table the page uses. */
const EXPONENT: Record<string, number> = { USD: 2, JPY: 0, KWD: 3, NGN: 2 };

/** How a sum of minor units should read on the page: its code, grouped digits, the currency's own decimals. */
export function expectedAmount(minor: string | number, currency: string): string {
  const digits = String(minor).padStart(EXPONENT[currency] + 1, '0');
  const cut = digits.length - EXPONENT[currency];
  const whole = digits.slice(0, cut).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return EXPONENT[currency] === 0 ? `${currency} ${whole}` : `${currency} ${whole}.${digits.slice(cut)}`;
}

/** Every element with a data-testid, by id → its text. */
export async function readNumbers(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#metrics [data-testid], #breakdown [data-testid]', (els) =>
    Object.fromEntries(els.filter((e) => e.children.length === 0).map((e) => [e.getAttribute('data-testid'), e.textContent?.trim() ?? ''])),
  );
}

interface DashboardBody {
  metrics: {
    counts: Record<string, number>;
    volumes: Record<string, string>[];
    rates: Record<string, number>;
    averageProcessingTimeMs: number | null;
    fraud: { attempts: number; suspicious: number };
  };
  breakdown: Record<string, number>;
}

/** What the page must show for a GET /v1/dashboard/payments body. */
export function expectedNumbers(body: DashboardBody): Record<string, string> {
  const m = body.metrics;
  const out: Record<string, string> = {};
  const n = (v: number) => v.toLocaleString('en-US');
  for (const [k, v] of Object.entries(m.counts)) out[`count-${k}`] = n(v);
  for (const [k, v] of Object.entries(m.rates)) out[`rate-${k}`] = `${v.toFixed(2)} %`;
  out['avg-processing'] = m.averageProcessingTimeMs === null ? '—' : `${n(Math.round(m.averageProcessingTimeMs))} ms`;
  out['fraud-attempts'] = n(m.fraud.attempts);
  out['fraud-suspicious'] = n(m.fraud.suspicious);
  for (const v of m.volumes) {
    for (const [field, value] of Object.entries(v))
      if (field !== 'currency') out[`volume-${v.currency}-${field}`] = expectedAmount(value, v.currency);
  }
  for (const [status, v] of Object.entries(body.breakdown)) out[`status-${status}`] = n(v);
  return out;
}
