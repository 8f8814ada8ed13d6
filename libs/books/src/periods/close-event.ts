import { parsePosition, type EventStore, type RecordedEvent } from '@ledger/event-store';
import type { KnownClose, Period } from './periods';

/** Period closes live on their own stream, apart from the payments' (ARCHITECTURE.md › "Streams and events"). */
export const BOOKS_PERIODS_STREAM = 'books-periods';
export const BOOKS_PERIOD_CLOSED = 'BooksPeriodClosed';

/** One account's closing balance: cumulative to the end of the period, sums as decimal strings of minor units. */
export interface ClosingBalance {
  readonly account: string;
  readonly currency: string;
  readonly debits: string;
  readonly credits: string;
  readonly balance: string;
}

export interface BooksPeriodClosedData {
  readonly period: Period;
  /** The last global position the books had applied when the period was closed: its balances cover exactly it. */
  readonly coveredPosition: string;
  readonly entries: number;
  readonly lines: number;
  /** sha256 (hex) of the period's journal lines in journal order (`journalLinesHash`). */
  readonly journalHash: string;
  readonly balances: readonly ClosingBalance[];
  readonly closedAt: string;
}

export function closeOf(recorded: RecordedEvent): KnownClose & { readonly data: BooksPeriodClosedData } {
  const data = recorded.data as BooksPeriodClosedData;
  return { period: data.period, covered: parsePosition(data.coveredPosition), data };
}

/**
 * Every close so far, read from its stream and kept: later calls read only what was appended since. Closes are few
 * (twelve a year), so the whole list stays in memory.
 */
export class ClosesReader {
  private readonly known: (KnownClose & { readonly data: BooksPeriodClosedData })[] = [];

  constructor(private readonly store: Pick<EventStore, 'readStream'>) {}

  async read(): Promise<readonly (KnownClose & { readonly data: BooksPeriodClosedData })[]> {
    const events = await this.store.readStream(BOOKS_PERIODS_STREAM, { fromRevision: BigInt(this.known.length) });
    for (const event of events) if (event.type === BOOKS_PERIOD_CLOSED) this.known.push(closeOf(event));
    return this.known;
  }

  /** How many events the stream held at the last read (the expected revision of the next close is this minus one). */
  get count(): number {
    return this.known.length;
  }
}
