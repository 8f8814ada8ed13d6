import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@ledger/event-store';
import { paymentIdFromStream, type StreamUpcaster } from '@ledger/payments-domain';
import { postPaymentEvent } from '../posting/payment-rules';
import { assertBalanced } from '../posting/posting-rule';
import { RECONCILIATION_INPUT_TYPES, RECONCILIATION_POSTED, type ReconciliationPostedData } from '../posting/reconciliation-posted';
import { evolveBooksState, type BooksPaymentState } from '../posting/payment-state';
import { effectiveDate, type KnownClose } from '../periods/periods';
import type { JournalEntry } from './journal-entry';
import { copyRows, copyText, insertUnnest, tableIn, type Cell } from './sql';

export class BooksProjectionError extends Error {
  readonly code = 'projection_failed';
  constructor(message: string, event?: RecordedEvent) {
    super(
      event
        ? `${message} (event ${event.eventId} ${event.type} at ${event.position.commit}/${event.position.prepare} in ${event.streamId}@${event.revision})`
        : message,
    );
    this.name = 'ProjectionError';
  }
}

/** When it happened: the event's occurredAt (metadata), else when it was recorded. */
function occurredAtOf(event: RecordedEvent): Date {
  const at = (event.metadata as { occurredAt?: unknown } | null)?.occurredAt;
  const date = typeof at === 'string' ? new Date(at) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : event.recordedAt;
}

/**
 * Σ debits and Σ credits of a bucket: exact integers as numbers while they stay safe (no BigInt per line), the
 * rest carried in a bigint (a sum past 2^53, or an amount that is no integer, which BigInt refuses).
 */
class Sum {
  debits = 0;
  credits = 0;
  debitsCarry = 0n;
  creditsCarry = 0n;

  add(debit: number, credit: number): void {
    if (debit !== 0) {
      const next = this.debits + debit;
      if (Number.isSafeInteger(next)) this.debits = next;
      else [this.debitsCarry, this.debits] = [this.debitsCarry + BigInt(this.debits) + BigInt(debit), 0];
    }
    if (credit !== 0) {
      const next = this.credits + credit;
      if (Number.isSafeInteger(next)) this.credits = next;
      else [this.creditsCarry, this.credits] = [this.creditsCarry + BigInt(this.credits) + BigInt(credit), 0];
    }
  }

  /** The key's parts (its id split on NUL), then Σ debits and Σ credits as decimal strings. */
  row(id: string): Cell[] {
    const total = (n: number, carry: bigint) => (carry === 0n ? String(n) : (carry + BigInt(n)).toString());
    return [...id.split(SEP), total(this.debits, this.debitsCarry), total(this.credits, this.creditsCarry)];
  }
}

/** Between the parts of a bucket's key (no account, currency or time holds it). */
const SEP = '\u0000';

function add(sums: Map<string, Sum>, id: string, debit: number, credit: number): void {
  let sum = sums.get(id);
  if (!sum) sums.set(id, (sum = new Sum()));
  sum.add(debit, credit);
}

/** A moment's day and hour buckets, from its ISO rendering (`YYYY-MM-DD`, `…T00:00:00Z`, `…THH:00:00Z`). */
function buckets(iso: string): { day: string; dayStart: string; hourStart: string } {
  return { day: iso.slice(0, 10), dayStart: `${iso.slice(0, 10)}T00:00:00Z`, hourStart: `${iso.slice(0, 13)}:00:00Z` };
}

/**
 * One batch of the books, for the live runner and the rebuild alike: each event is upcast (one StreamUpcaster
 * across batches, as the ledger projection reads), posted by the rules against its payment's books state, dated by
 * the closes known, and kept; `write` inserts the entries, their lines, the changed states and the movements.
 */
export class BooksBatch {
  readonly entries: JournalEntry[] = [];
  private readonly dirty = new Set<string>();
  /** Payments created in this batch: no stored state yet, so their rows are new (COPY, not an upsert). */
  private readonly created = new Set<string>();
  private readonly movements = new Map<string, Sum>();
  private readonly clockMovements = new Map<string, Sum>();
  /** Per entry, its occurredAt, recordedAt and effectiveAt rendered once (ISO 8601), for the buckets and the rows. */
  private readonly times: string[] = [];

  constructor(
    private readonly states: Map<string, BooksPaymentState>,
    private readonly upcaster: StreamUpcaster,
    /** The closes known when the events are folded (a rebuild learns of more between pages). */
    public closes: readonly KnownClose[],
  ) {}

  get size(): number {
    return this.dirty.size;
  }

  touched(id: string): boolean {
    return this.dirty.has(id);
  }

  apply(recorded: RecordedEvent): void {
    try {
      this.fold(recorded);
    } catch (error) {
      if (error instanceof BooksProjectionError) throw error;
      throw new BooksProjectionError(`cannot post event: ${(error as Error).message}`, recorded);
    }
  }

  private fold(recorded: RecordedEvent): void {
    const paymentId = paymentIdFromStream(recorded.streamId);
    if (!paymentId) {
      this.foldPayoutStream(recorded);
      return;
    }
    const event = this.upcaster.read(recorded);
    const before = this.states.get(paymentId);
    if (event.type === 'PaymentCreated') {
      if (before) throw new Error(`payment ${paymentId} created twice`);
      this.created.add(paymentId);
    }
    const posting = postPaymentEvent(event, before);
    const after = evolveBooksState(before, event);
    if (after && after !== before) {
      this.states.set(paymentId, after);
      this.dirty.add(paymentId);
    }
    if (!posting) return;
    this.journal(recorded, occurredAtOf(recorded), { paymentId, provider: before?.provider, memo: posting.memo, lines: posting.lines });
  }

  /**
   * Payout streams: a ReconciliationPosted is one entry, dated at the effective time it gives (checked balanced
   * again here); the imports, statuses and resolutions it was decided from post nothing themselves.
   */
  private foldPayoutStream(recorded: RecordedEvent): void {
    if (recorded.type !== RECONCILIATION_POSTED) {
      if (RECONCILIATION_INPUT_TYPES.includes(recorded.type)) return;
      throw new Error(`the books cannot post ${recorded.type} on ${recorded.streamId}`);
    }
    const data = recorded.data as ReconciliationPostedData;
    const memo = `reconciliation:${data.reason}`;
    assertBalanced(memo, data.lines);
    if (data.lines.length === 0) return;
    const occurredAt = new Date(data.effectiveAt);
    if (Number.isNaN(occurredAt.getTime())) throw new Error(`effectiveAt is not a time: ${String(data.effectiveAt)}`);
    this.journal(recorded, occurredAt, { paymentId: data.paymentId, provider: data.provider, memo, lines: data.lines });
  }

  private journal(recorded: RecordedEvent, occurredAt: Date, what: Pick<JournalEntry, 'paymentId' | 'provider' | 'memo' | 'lines'>): void {
    const occurredIso = occurredAt.toISOString();
    const { effectiveAt, period, late } = effectiveDate(occurredAt, recorded.position, this.closes, occurredIso);
    const effectiveIso = effectiveAt === occurredAt ? occurredIso : effectiveAt.toISOString();
    const recordedIso = recorded.recordedAt.toISOString();
    this.times.push(occurredIso, recordedIso, effectiveIso);
    const entry: JournalEntry = {
      entryId: recorded.eventId,
      eventId: recorded.eventId,
      streamId: recorded.streamId,
      position: recorded.position,
      ...what,
      occurredAt,
      recordedAt: recorded.recordedAt,
      effectiveAt,
      period,
      late,
    };
    this.entries.push(entry);
    const effective = buckets(effectiveIso);
    const known = buckets(recordedIso);
    // The keys' parts shared by the entry's lines, joined once: [account, currency] follow.
    const days = `${SEP}${effective.day}${SEP}${known.day}`;
    const effectiveDay = `effective${SEP}day${SEP}${effective.dayStart}${SEP}`;
    const effectiveHour = `effective${SEP}hour${SEP}${effective.hourStart}${SEP}`;
    const recordedDay = `recorded${SEP}day${SEP}${known.dayStart}${SEP}`;
    const recordedHour = `recorded${SEP}hour${SEP}${known.hourStart}${SEP}`;
    for (const line of entry.lines) {
      const { debit, credit } = line;
      const held = `${line.account}${SEP}${line.currency}`;
      add(this.movements, held + days, debit, credit);
      add(this.clockMovements, effectiveDay + held, debit, credit);
      add(this.clockMovements, effectiveHour + held, debit, credit);
      add(this.clockMovements, recordedDay + held, debit, credit);
      add(this.clockMovements, recordedHour + held, debit, credit);
    }
  }

  /** Writes what the batch folded (inside the caller's transaction). */
  async write(tx: PoolClient, schema: string): Promise<void> {
    const times = this.times;
    const fresh: Cell[][] = [];
    const changed: Cell[][] = [];
    for (const id of this.dirty) {
      const s = this.states.get(id) as BooksPaymentState;
      (this.created.has(id) ? fresh : changed).push([id, s.provider, s.currency, s.refunded, JSON.stringify(s.suspense)]);
    }
    const stateColumns = [
      ['payment_id', 'text'],
      ['provider', 'text'],
      ['currency', 'text'],
      ['refunded', 'bigint'],
      ['suspense', 'jsonb'],
    ] as const;
    await copyRows(
      tx,
      tableIn(schema, 'payment_states'),
      stateColumns.map(([name]) => name),
      fresh,
      (r) => `${r.map((v) => copyText(v === null ? null : String(v))).join('\t')}\n`,
    );
    await insertUnnest(
      tx,
      tableIn(schema, 'payment_states'),
      stateColumns,
      changed,
      'ON CONFLICT (payment_id) DO UPDATE SET refunded = EXCLUDED.refunded, suspense = EXCLUDED.suspense',
    );
    await copyRows(
      tx,
      tableIn(schema, 'journal_entries'),
      [
        'entry_id',
        'event_id',
        'commit_position',
        'prepare_position',
        'stream_id',
        'payment_id',
        'provider',
        'occurred_at',
        'recorded_at',
        'effective_at',
        'period',
        'late',
        'memo',
      ],
      this.entries,
      (e, i) =>
        `${copyText(e.entryId)}\t${copyText(e.eventId)}\t${e.position.commit}\t${e.position.prepare}\t${copyText(e.streamId)}\t` +
        `${copyText(e.paymentId)}\t${copyText(e.provider)}\t${times[3 * i]}\t${times[3 * i + 1]}\t` +
        `${times[3 * i + 2]}\t${copyText(e.period)}\t${e.late ? 't' : 'f'}\t${copyText(e.memo)}\n`,
    );
    await copyRows(
      tx,
      tableIn(schema, 'journal_lines'),
      [
        'entry_id',
        'line_no',
        'account',
        'currency',
        'debit',
        'credit',
        'commit_position',
        'prepare_position',
        'effective_at',
        'recorded_at',
        'period',
      ],
      this.entries,
      (e, i) => {
        // What the entry's lines share, rendered once.
        const entry = copyText(e.entryId);
        const shared = `${e.position.commit}\t${e.position.prepare}\t${times[3 * i + 2]}\t${times[3 * i + 1]}\t${copyText(e.period)}\n`;
        let text = '';
        for (let i = 0; i < e.lines.length; i += 1) {
          const l = e.lines[i];
          text += `${entry}\t${i + 1}\t${copyText(l.account)}\t${copyText(l.currency)}\t${l.debit}\t${l.credit}\t${shared}`;
        }
        return text;
      },
    );
    await insertUnnest(
      tx,
      tableIn(schema, 'movements'),
      [
        ['account', 'text'],
        ['currency', 'text'],
        ['effective_day', 'date'],
        ['recorded_day', 'date'],
        ['debits', 'numeric'],
        ['credits', 'numeric'],
      ],
      Array.from(this.movements, ([id, sum]) => sum.row(id)),
      `ON CONFLICT (effective_day, recorded_day, account, currency)
       DO UPDATE SET debits = t.debits + EXCLUDED.debits, credits = t.credits + EXCLUDED.credits`,
    );
    await insertUnnest(
      tx,
      tableIn(schema, 'clock_movements'),
      [
        ['clock', 'text'],
        ['grain', 'text'],
        ['bucket', 'timestamptz'],
        ['account', 'text'],
        ['currency', 'text'],
        ['debits', 'numeric'],
        ['credits', 'numeric'],
      ],
      Array.from(this.clockMovements, ([id, sum]) => sum.row(id)),
      `ON CONFLICT (clock, grain, bucket, account, currency)
       DO UPDATE SET debits = t.debits + EXCLUDED.debits, credits = t.credits + EXCLUDED.credits`,
    );
  }
}

/** The stored books states of some payments, by payment id. */
export async function loadStates(
  db: Pick<PoolClient, 'query'>,
  schema: string,
  ids: readonly string[],
): Promise<Map<string, BooksPaymentState>> {
  const states = new Map<string, BooksPaymentState>();
  if (ids.length === 0) return states;
  const { rows } = await db.query<{
    payment_id: string;
    provider: BooksPaymentState['provider'];
    currency: string;
    refunded: string;
    suspense: BooksPaymentState['suspense'];
  }>(
    `SELECT payment_id, provider, currency, refunded, suspense FROM ${tableIn(schema, 'payment_states')} WHERE payment_id = ANY($1::text[])`,
    [ids],
  );
  for (const r of rows)
    states.set(r.payment_id, { provider: r.provider, currency: r.currency, refunded: Number(r.refunded), suspense: r.suspense });
  return states;
}
