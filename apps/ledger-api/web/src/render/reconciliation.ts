import { ApiError, type Api } from '../api';
import { h, section, table } from '../dom';
import { amount, count } from '../format';

/** GET /v1/reconciliation/summary: one row per provider and currency (CONTRACT.md › Reconciliation). */
interface SummaryRow {
  provider: string;
  currency: string;
  reportedVolume: string;
  matchedVolume: string;
  /** Exact to 10 decimals, as a decimal string ("0.9999000000", "1"). */
  reconciledShare: string;
  fees: string;
  effectiveFeeRate: string;
  openBreaks: number;
  oldestOpenBreakAgeSeconds: number | null;
}

/** As the books: read again at most this often. */
const SUMMARY_EVERY_MS = 30_000;
const UNAVAILABLE = 'This key cannot read the reconciliation: sign in with a key holding books:read (or admin).';

/** A decimal ratio as a percentage with two decimals, truncated by string arithmetic as the server truncated it. */
function ratioPercent(ratio: string): string {
  const negative = ratio.startsWith('-');
  const [whole, fraction = ''] = (negative ? ratio.slice(1) : ratio).split('.');
  const digits = fraction.padEnd(4, '0');
  return `${negative ? '−' : ''}${BigInt(whole) * 100n + BigInt(digits.slice(0, 2))}.${digits.slice(2, 4)} %`;
}

/** An age in the largest two units: `3 d 4 h`, `2 h 5 min`, `40 s`; none: `—`. */
function age(seconds: number | null): string {
  if (seconds === null) return '—';
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  for (const [name, size] of units) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${count(n)} ${name}`);
    else if (parts.length > 0) break;
    rest -= n * size;
  }
  return parts.join(' ');
}

/**
 * The Reconciliation panel: per provider and currency, the reconciled share of the reported volume, the fees and
 * effective fee rate (cost per provider), the open breaks and the oldest one's age, from
 * `/v1/reconciliation/summary`. As the Books panel: read with the signed-in key when its scopes allow (`books:read`
 * or `admin`); otherwise a line says so and no request is made.
 */
export class ReconciliationPanel {
  readonly element: HTMLElement;
  private readonly body = h('div', { 'data-testid': 'reconciliation-body' });
  private lastRead = 0;
  private reading = false;

  constructor(
    private readonly api: Api,
    private readonly allowed: boolean,
  ) {
    this.element = section('reconciliation', 'Reconciliation: payouts against the books', this.body);
    if (allowed) void this.read();
    else this.body.replaceChildren(h('p', { class: 'muted', 'data-testid': 'reconciliation-unavailable' }, UNAVAILABLE));
  }

  /** The board refreshed: read again if the last read is old enough. */
  refresh(): void {
    if (this.allowed && Date.now() - this.lastRead >= SUMMARY_EVERY_MS) void this.read();
  }

  private async read(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    this.lastRead = Date.now();
    try {
      const rows = (await this.api.get<SummaryRow[]>('/v1/reconciliation/summary', {})).body;
      this.body.replaceChildren(
        table(
          'Reconciliation per provider and currency',
          ['Provider', 'Reconciled', 'Fees', 'Fee rate', 'Open breaks', 'Oldest open'],
          rows.map((r) => [
            h('span', { title: r.currency }, `${r.provider} ${r.currency}`),
            h('span', { title: `${r.matchedVolume} of ${r.reportedVolume} minor units` }, ratioPercent(r.reconciledShare)),
            amount(r.fees, r.currency),
            ratioPercent(r.effectiveFeeRate),
            count(r.openBreaks),
            age(r.oldestOpenBreakAgeSeconds),
          ]),
          'reconciliation-summary',
          [1, 2, 3, 4, 5],
        ),
      );
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 403
          ? UNAVAILABLE
          : `The reconciliation could not be read: ${(error as Error).message}`;
      this.body.replaceChildren(h('p', { class: 'muted', 'data-testid': 'reconciliation-unavailable' }, text));
    } finally {
      this.reading = false;
    }
  }
}
