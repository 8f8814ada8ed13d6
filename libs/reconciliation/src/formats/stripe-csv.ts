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
  let columns: Columns | undefined;
  const payouts = new Map<string, ReportedPayout>();
  for await (const records of csvRecords(input)) {
    const batch: ReportItem[] = [];
    for (const record of records) {
      if (!columns) {
        const header = record.map((c) => c.trim());
        const missing = REQUIRED.filter((c) => !header.includes(c));
        if (missing.length > 0)
          throw new ReportFormatError(`not Stripe's itemized payout reconciliation report: no column ${missing.join(', ')}`);
        columns = columnsOf(header);
        continue;
      }
      batch.push(stripeCsvRow(rowOf(record, columns), payouts));
    }
    if (batch.length > 0) yield batch;
  }
}

/** The columns the import reads, by name: a repeated name is read from its last column (as a name-keyed row would). */
const READ = [
  ...REQUIRED,
  'source_id',
  'charge_id',
  'payment_intent_id',
  'customer_facing_currency',
  'customer_facing_amount',
  METADATA_PAYMENT_ID,
] as const;
type Column = (typeof READ)[number];
type Columns = readonly (readonly [Column, number])[];

function columnsOf(header: readonly string[]): Columns {
  return READ.map((name) => [name, header.lastIndexOf(name)] as const);
}

/** A record's cells the import reads, trimmed; a column the report does not have reads as empty. */
function rowOf(record: readonly string[], columns: Columns): Record<Column, string> {
  const row = {} as Record<Column, string>;
  for (const [name, index] of columns) row[name] = index < 0 ? '' : (record[index] ?? '').trim();
  return row;
}

function stripeCsvRow(row: Readonly<Record<Column, string>>, payouts: Map<string, ReportedPayout>): ReportItem {
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

/** Days in a month of the proleptic Gregorian calendar (as Date counts them). */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const REPORT_TIME = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)$/;

/** Stripe writes report times as `YYYY-MM-DD HH:MM:SS` in UTC; an ISO 8601 time with a zone is read too. */
function utc(text: string | undefined): string {
  const normalised = (text ?? '').trim();
  const plain = REPORT_TIME.exec(normalised);
  if (plain) {
    // The usual shape, without Date.parse.
    const [, y, mo, d, h, mi, s] = plain;
    if (!onTheCalendar(+y, +mo, +d, +h, +mi, +s)) throw new ReportFormatError(`time "${text}" is not a UTC time`);
    return `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`;
  }
  const iso = normalised.replace(' ', 'T');
  // Date.parse rolls an impossible date over (31 February becomes 3 March): the calendar is checked first.
  const fields = ISO_FIELDS.exec(iso);
  const at =
    fields && onTheCalendar(+fields[1], +fields[2], +fields[3], +fields[4], +fields[5], +(fields[6] ?? 0))
      ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`)
      : NaN;
  if (Number.isNaN(at)) throw new ReportFormatError(`time "${text}" is not a UTC time`);
  return new Date(at).toISOString();
}

const ISO_FIELDS = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?/;

function onTheCalendar(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h < 24 && mi < 60 && s < 60;
}
