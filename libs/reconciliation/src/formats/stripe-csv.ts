import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ReportFormatError, majorToMinor, reportCurrency } from './major-to-minor';
import type { ReportedLine, ReportedPayout } from './reported-line';

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
  const parser = input.pipe(parse({ columns: true, skip_empty_lines: true, trim: true, bom: true }));
  let checked = false;
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    if (!checked) {
      const missing = REQUIRED.filter((c) => !(c in row));
      if (missing.length > 0)
        throw new ReportFormatError(`not Stripe's itemized payout reconciliation report: no column ${missing.join(', ')}`);
      checked = true;
    }
    yield stripeCsvRow(row);
  }
}

function stripeCsvRow(row: Record<string, string>): ReportItem {
  const currency = reportCurrency(row.currency);
  const payoutId = row.automatic_payout_id;
  if (!payoutId) throw new ReportFormatError(`line ${row.balance_transaction_id} has no automatic_payout_id`);
  const payout: ReportedPayout = { provider: 'stripe', payoutId, currency, effectiveAt: utc(row.automatic_payout_effective_at) };
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

/** Stripe writes report times as `YYYY-MM-DD HH:MM:SS` in UTC. */
function utc(text: string | undefined): string {
  const normalised = (text ?? '').trim().replace(' ', 'T');
  const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(normalised) ? normalised : `${normalised}Z`);
  if (Number.isNaN(at)) throw new ReportFormatError(`time "${text}" is not a UTC time`);
  return new Date(at).toISOString();
}
