import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EventData, EventStore } from '@ledger/event-store';
import { CURRENT_SCHEMA_VERSION, type Provider } from '@ledger/payments-domain';
import { deterministicUuid } from '@ledger/payments-app';
import {
  LINES_PER_EVENT,
  payoutStreamId,
  type PayoutCorrected,
  type PayoutLinesReported,
  type PayoutReported,
} from '../events/payout-events';
import { ReportFormatError } from '../formats/major-to-minor';
import { parsePaystackSettlements } from '../formats/paystack-json';
import type { ReportedLine, ReportedPayout } from '../formats/reported-line';
import { stripeReportCsvBatches, type ReportItem } from '../formats/stripe-csv';
import { parseStripeBalanceTransactions } from '../formats/stripe-json';

export type ReportFormat = 'csv' | 'json';

export interface ImportRequest {
  readonly provider: Provider;
  readonly format: ReportFormat;
  /** The file as downloaded. */
  readonly input: Readable;
  readonly actor: string;
  readonly now: Date;
  /** Called as lines are read (the CLI's progress bar). */
  readonly onLines?: (linesRead: number) => void;
}

export interface ImportResult {
  readonly importId: string;
  readonly lines: number;
  readonly newLines: number;
  readonly payouts: number;
  readonly corrected: number;
}

interface PayoutGroup {
  payout: ReportedPayout;
  lines: ReportedLine[];
}

/**
 * Imports a provider's payout report: each payout on its own stream, a header event and its lines in chunks of
 * LINES_PER_EVENT, all with ids derived from the payout's content. A payout already imported with the same content
 * appends nothing; one whose content changed gets a PayoutCorrected beside the original (never an overwrite).
 */
export async function importReport(store: EventStore, request: ImportRequest): Promise<ImportResult> {
  const groups = [...(await groupByPayout(items(request), request.onLines)).values()];
  const versions = groups.map((g) => versionOf(g));
  const importId = `imp_${hash([...versions].sort().join(','), 24)}`;
  // The payouts' streams are read together (the store coalesces the reads into one round trip).
  const known = await Promise.all(groups.map((group, i) => knownVersion(store, group, versions[i])));
  const pending = known.filter((k) => k.previous !== k.version);
  const lines = groups.reduce((n, g) => n + g.lines.length, 0);
  const place = (index: number) => ({ importId, importIndex: index, importSize: pending.length });
  // Every payout but the last is appended at once (one coalesced statement and commit where the store can); the last
  // closes the import, so it is appended after the others have been recorded.
  await Promise.all(pending.slice(0, -1).map((item, index) => appendPayout(store, request, item, place(index))));
  if (pending.length > 0) await appendPayout(store, request, pending[pending.length - 1], place(pending.length - 1));
  const newLines = pending.reduce((n, p) => n + p.group.lines.length, 0);
  return { importId, lines, newLines, payouts: groups.length, corrected: pending.filter((p) => p.previous !== undefined).length };
}

async function* items(request: ImportRequest): AsyncGenerator<ReportItem[]> {
  if (request.format === 'csv') {
    if (request.provider !== 'stripe') throw new ReportFormatError('only Stripe reports come as CSV');
    yield* stripeReportCsvBatches(request.input);
    return;
  }
  const body = JSON.parse(await text(request.input)) as unknown;
  yield [...(request.provider === 'stripe' ? parseStripeBalanceTransactions(body) : parsePaystackSettlements(body))];
}

async function text(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const body = Buffer.concat(chunks).toString('utf8');
  try {
    JSON.parse(body);
  } catch {
    throw new ReportFormatError('the file is not JSON');
  }
  return body;
}

async function groupByPayout(source: AsyncIterable<ReportItem[]>, onLines?: (n: number) => void): Promise<Map<string, PayoutGroup>> {
  const groups = new Map<string, PayoutGroup>();
  let read = 0;
  for await (const batch of source) {
    for (const { payout, line } of batch) {
      let group = groups.get(payout.payoutId);
      if (!group) {
        group = { payout, lines: [] };
        groups.set(payout.payoutId, group);
      }
      if (payout.amount !== undefined && group.payout.amount === undefined) group.payout = payout;
      if (payout.currency !== group.payout.currency) throw new ReportFormatError(`payout ${payout.payoutId} is in two currencies`);
      if (line) group.lines.push(line);
      read += 1;
      if (onLines && read % 1000 === 0) onLines(read);
    }
  }
  onLines?.(read);
  if (read === 0) throw new ReportFormatError('the report holds no line');
  return groups;
}

/** The payout's content, canonically: its lines in the provider's order of ids. */
function versionOf(group: PayoutGroup): string {
  const sorted = [...group.lines].sort((a, b) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : a.net - b.net));
  const { payout } = group;
  const head = [payout.provider, payout.payoutId, payout.currency, payout.amount ?? '', payout.effectiveAt].join('|');
  return hash(JSON.stringify([head, sorted.map(canonicalLine)]), 64);
}

/** Every field in a fixed order (absent ones as null): cheap, and the same for the same line whatever the format. */
function canonicalLine(l: ReportedLine): unknown[] {
  return [
    l.lineId,
    l.payoutId,
    l.category,
    l.currency,
    l.gross,
    l.fee,
    l.net,
    l.sourceId ?? null,
    l.chargeId ?? null,
    l.paymentIntentId ?? null,
    l.paymentId ?? null,
    l.customerFacingAmount ?? null,
    l.customerFacingCurrency ?? null,
    l.exchangeRate ?? null,
    l.createdAt,
  ];
}

interface Pending {
  readonly group: PayoutGroup;
  readonly version: string;
  readonly previous?: string;
  readonly revision?: bigint;
}

/** The payout's version in this file, the last one imported, and its stream's revision. */
async function knownVersion(store: EventStore, group: PayoutGroup, version: string): Promise<Pending> {
  const history = await store.readStream(payoutStreamId(group.payout.provider, group.payout.payoutId));
  const headers = history.filter((e) => e.type === 'PayoutReported' || e.type === 'PayoutCorrected');
  const previous = headers.length > 0 ? (headers[headers.length - 1].data as { version: string }).version : undefined;
  const revision = history.length > 0 ? history[history.length - 1].revision : undefined;
  return { group, version, ...(previous ? { previous } : {}), ...(revision !== undefined ? { revision } : {}) };
}

async function appendPayout(
  store: EventStore,
  request: ImportRequest,
  { group, version, previous, revision }: Pending,
  place: { importId: string; importIndex: number; importSize: number },
): Promise<void> {
  const { payout } = group;
  const streamId = payoutStreamId(payout.provider, payout.payoutId);
  const importId = place.importId;
  const chunks = Math.max(1, Math.ceil(group.lines.length / LINES_PER_EVENT));
  const header = {
    provider: payout.provider,
    payoutId: payout.payoutId,
    version,
    currency: payout.currency,
    ...(payout.amount !== undefined ? { amount: payout.amount } : {}),
    effectiveAt: payout.effectiveAt,
    lineCount: group.lines.length,
    chunks,
    ...place,
    reportedAt: request.now.toISOString(),
  };
  const metadata = {
    correlationId: importId,
    actor: request.actor,
    schemaVersion: CURRENT_SCHEMA_VERSION,
    occurredAt: payout.effectiveAt,
  };
  const first: PayoutReported | PayoutCorrected = previous
    ? { type: 'PayoutCorrected', data: { ...header, previousVersion: previous } }
    : { type: 'PayoutReported', data: header };
  const events: EventData[] = [{ eventId: deterministicUuid(streamId, version, 'header'), ...first, metadata }];
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const lines = group.lines.slice(chunk * LINES_PER_EVENT, (chunk + 1) * LINES_PER_EVENT);
    const event: PayoutLinesReported = {
      type: 'PayoutLinesReported',
      data: { provider: payout.provider, payoutId: payout.payoutId, version, chunk, lines },
    };
    events.push({ eventId: deterministicUuid(streamId, version, 'lines', String(chunk)), ...event, metadata });
  }
  await store.appendToStream(streamId, events, revision === undefined ? 'no_stream' : revision);
}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
