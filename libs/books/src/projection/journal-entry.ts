import type { Position } from '@ledger/event-store';
import type { PostingLine } from '../posting/posting-rule';

/** One journal entry: the event that posted it, its two dates and its period, and its balanced lines. */
export interface JournalEntry {
  readonly entryId: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly position: Position;
  readonly paymentId?: string;
  readonly provider?: string;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly effectiveAt: Date;
  readonly period: string;
  readonly late: boolean;
  readonly memo: string;
  readonly lines: readonly PostingLine[];
}
