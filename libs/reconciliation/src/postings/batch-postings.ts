import type { EventData, EventStore, RecordedEvent } from '@ledger/event-store';
import { WrongExpectedVersionError } from '@ledger/event-store';
import { assertBalanced, postedStreamId, RECONCILIATION_POSTED, type PostedReason, type PostingLine } from '@ledger/books';
import { CURRENT_SCHEMA_VERSION } from '@ledger/payments-domain';
import { deterministicUuid } from '@ledger/payments-app';
import type { ReconciliationPosted } from '../events/payout-events';
import { aggregate } from './postings';

/** What one applied event posts, before its lines are summed. */
export interface PostingContext {
  readonly provider: string;
  readonly reason: PostedReason;
  readonly effectiveAt: string;
  readonly payoutId?: string;
  readonly lineId?: string;
  readonly breakId?: string;
  readonly paymentId?: string;
}

interface Pending {
  readonly cause: RecordedEvent;
  context: PostingContext;
  readonly lines: PostingLine[];
}

/** The appender the projection needs: the runner's and the rebuild's store, or nothing (a spec of the matching alone). */
export type PostingStore = Pick<EventStore, 'appendToStream'>;

/**
 * The postings of one batch, one per causing event: its lines summed per account, currency and side. An event whose
 * lines net to nothing at all posts nothing. Ids derive from the causing event, so every re-run gives the same events.
 */
export class BatchPostings {
  private readonly byCause = new Map<string, Pending>();

  add(cause: RecordedEvent, context: PostingContext, lines: readonly PostingLine[]): void {
    if (lines.length === 0) return;
    const pending = this.byCause.get(cause.eventId);
    if (!pending) {
      this.byCause.set(cause.eventId, { cause, context, lines: [...lines] });
      return;
    }
    // Several lines or breaks of one event: the entry names only what they share.
    const c = pending.context;
    const differs = (k: 'payoutId' | 'lineId' | 'breakId' | 'paymentId') => c[k] !== undefined && c[k] !== context[k];
    if (differs('payoutId') || differs('lineId') || differs('breakId') || differs('paymentId'))
      pending.context = {
        provider: c.provider,
        reason: c.reason,
        effectiveAt: c.effectiveAt,
        ...(c.payoutId === context.payoutId ? { payoutId: c.payoutId } : {}),
        ...(c.lineId === context.lineId ? { lineId: c.lineId } : {}),
        ...(c.breakId === context.breakId ? { breakId: c.breakId } : {}),
        ...(c.paymentId === context.paymentId ? { paymentId: c.paymentId } : {}),
      };
    pending.lines.push(...lines);
  }

  get size(): number {
    return this.byCause.size;
  }

  /** The events to append, each alone on its stream, balanced (a projection bug stops the batch here, before any append). */
  events(): { streamId: string; event: EventData<ReconciliationPosted['data']> }[] {
    const out: { streamId: string; event: EventData<ReconciliationPosted['data']> }[] = [];
    for (const { cause, context, lines } of this.byCause.values()) {
      const summed = aggregate(lines);
      if (summed.length === 0) continue;
      assertBalanced(`reconciliation:${context.reason}`, summed);
      const data: ReconciliationPosted['data'] = { ...defined(context), causedBy: cause.eventId, lines: summed };
      out.push({
        streamId: postedStreamId(cause.eventId),
        event: {
          eventId: deterministicUuid('reconciliation-posted', cause.eventId),
          type: RECONCILIATION_POSTED,
          data,
          metadata: {
            correlationId: cause.eventId,
            causationId: cause.eventId,
            actor: 'projection:reconciliation',
            schemaVersion: CURRENT_SCHEMA_VERSION,
            occurredAt: context.effectiveAt,
          },
        },
      });
    }
    return out;
  }
}

function defined(context: PostingContext): PostingContext {
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)) as unknown as PostingContext;
}

/**
 * Appends each posting on its own stream with expected revision no_stream, all at once (the PostgreSQL store sends
 * appends submitted together as one statement). A stream that exists was posted by an earlier run of the same batch
 * (a crash before the checkpoint, a rebuild): nothing is appended again (the store's idempotent re-append of the same
 * event id, or its wrong-expected-version answer).
 */
export async function appendPostings(store: PostingStore, postings: BatchPostings): Promise<void> {
  const events = postings.events();
  const results = await Promise.allSettled(events.map(({ streamId, event }) => store.appendToStream(streamId, [event], 'no_stream')));
  for (const result of results) {
    if (result.status === 'rejected' && !(result.reason instanceof WrongExpectedVersionError)) throw result.reason;
  }
}
