import type { Readable } from 'node:stream';
import { ReportFormatError, majorToMinor, reportCurrency } from './major-to-minor';
import type { ReportedLine, ReportedPayout } from './reported-line';
import { csvRecords } from './csv-records';

/** One parsed item of a report: a line and the payout it belongs to (or the payout alone, from a payout-only row). */
export interface ReportItem {
  readonly payout: ReportedPayout;
  readonly line?: ReportedLine;
}

const REQUIRED = [
  'automatic_payout_id',
  'automatic_payout_effective_at',
  'balance_transaction_id',
  'created_utc',
  'currency',
  'gross',
  'fee',
  'net',
  'reporting_category',
] as const;

const METADATA_PAYMENT_ID = 'payment_metadata[paymentId]';

/**
 * Stripe's itemized payout reconciliation report (docs.stripe.com/reports/payout-reconciliation, "Itemized payout
 * reconciliation" columns), streamed row by row: amounts are decimals in major units, converted exactly by the
 * currency's ISO exponent; `customer_facing_amount` in `customer_facing_currency`'s. Optional columns are read when present.
 */
export async function* parseStripeReportCsv(input: Readable): AsyncGenerator<ReportItem> {
  for await (const batch of stripeReportCsvBatches(input)) yield* batch;
}

/** The same items, a chunk's worth at a time (the import: one await per chunk of the file, not one per line). */
export async function* stripeReportCsvBatches(input: Readable): AsyncGenerator<ReportItem[]> {
  let header: string[] | undefined;
  const payouts = new Map<string, ReportedPayout>();
  for await (const records of csvRecords(input)) {
    const batch: ReportItem[] = [];
    for (const record of records) {
      if (!header) {
        header = record.map((c) => c.trim());
        const missing = REQUIRED.filter((c) => !header?.includes(c));
        if (missing.length > 0)
          throw new ReportFormatError(`not Stripe's itemized payout reconciliation report: no column ${missing.join(', ')}`);
        continue;
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i += 1) row[header[i]] = (record[i] ?? '').trim();
      batch.push(stripeCsvRow(row, payouts));
    }
    if (batch.length > 0) yield batch;
  }
}

function stripeCsvRow(row: Record<string, string>, payouts: Map<string, ReportedPayout>): ReportItem {
  const currency = reportCurrency(row.currency);
  const payoutId = row.automatic_payout_id;
  if (!payoutId) throw new ReportFormatError(`line ${row.balance_transaction_id} has no automatic_payout_id`);
  // Every line repeats its payout's columns: one object per payout (the same columns), not one per line.
  const payoutKey = `${payoutId}|${currency}|${row.automatic_payout_effective_at}`;
  let payout = payouts.get(payoutKey);
  if (!payout) {
    payout = { provider: 'stripe', payoutId, currency, effectiveAt: utc(row.automatic_payout_effective_at) };
    payouts.set(payoutKey, payout);
  }
  const faceCurrency = row.customer_facing_currency ? reportCurrency(row.customer_facing_currency, 'customer_facing_currency') : undefined;
  const line: ReportedLine = {
    lineId: need(row.balance_transaction_id, 'balance_transaction_id'),
    payoutId,
    category: need(row.reporting_category, 'reporting_category'),
    currency,
    gross: majorToMinor(row.gross, currency),
    fee: majorToMinor(row.fee, currency),
    net: majorToMinor(row.net, currency),
    ...optional('sourceId', row.source_id),
    ...optional('chargeId', row.charge_id),
    ...optional('paymentIntentId', row.payment_intent_id),
    ...optional('paymentId', row[METADATA_PAYMENT_ID]),
    ...(faceCurrency && row.customer_facing_amount
      ? { customerFacingAmount: majorToMinor(row.customer_facing_amount, faceCurrency), customerFacingCurrency: faceCurrency }
      : {}),
    createdAt: utc(row.created_utc),
  };
  return { payout, line };
}

function need(value: string | undefined, column: string): string {
  if (!value) throw new ReportFormatError(`a row has no ${column}`);
  return value;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

const REPORT_TIME = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)$/;

/** Stripe writes report times as `YYYY-MM-DD HH:MM:SS` in UTC. */
function utc(text: string | undefined): string {
  const normalised = (text ?? '').trim();
  const plain = REPORT_TIME.exec(normalised);
  if (plain) {
    // The usual shape, without Date.parse: valid when the date it names round-trips (no 31 February).
    const [, y, mo, d, h, mi, s] = plain;
    const at = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
    if (at.getUTCDate() === +d && at.getUTCMonth() === +mo - 1 && +h < 24 && +mi < 60 && +s < 60)
      return `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`;
  }
  const iso = normalised.replace(' ', 'T');
  const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(at)) throw new ReportFormatError(`time "${text}" is not a UTC time`);
  return new Date(at).toISOString();
}
