import type { Pool } from 'pg';
import { comparePositions, formatPosition, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { paymentIdFromStream, toPaymentEvent } from '@ledger/payments-domain';
import { withTransaction } from '@ledger/platform';
import { AuditTrailCheck } from './audit-trail-check';
import { AUDIT_TRAIL, LEDGER, storedCheckpoint, type StoredCheckpoint } from './checkpoints';
import { compareCounters, comparePayments, comparePaymentsById, reportRowsWithoutEvents, type ReportDifference } from './compare-tables';
import { COUNTER_TABLES, Counters, ExpectedCounters, minuteOf } from './expected-counters';
import { PaymentFacts } from './payment-facts';
import { PAYMENT_STREAMS, eventsInStore, eventsInTable, paymentEventsByStream } from './stored-events';

export interface VerifyOptions {
  readonly pool: Pool;
  /** Where the events are read: the PostgreSQL table by verify's own SQL, or (EventStoreDB) `$all` through this store. */
  readonly events: { readonly from: 'table' } | { readonly from: 'store'; readonly store: EventStore };
  readonly report: ReportDifference;
  readonly onStart?: (info: { ledger: string; auditTrail: string; totalEvents: number }) => void;
  readonly onProgress?: (eventsDone: number) => void;
}

export interface VerifyResult {
  readonly events: number;
  readonly payments: number;
  readonly auditRows: number;
}

/**
 * One snapshot (REPEATABLE READ) of every read model and its checkpoint; the
 * events up to each checkpoint are read by verify's own path, counted against
 * each checkpoint's events_applied and the audit rows, folded in memory and
 * compared table by table. Nothing here comes from @ledger/projections: a fault
 * in the projector's reader must not cancel out in the check.
 */
export function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const { pool, report } = options;
  return withTransaction(
    pool,
    async (client) => {
      const ledger = await storedCheckpoint(client, LEDGER);
      const audit = await storedCheckpoint(client, AUDIT_TRAIL);
      options.onStart?.({
        ledger: formatPosition(ledger.position),
        auditTrail: formatPosition(audit.position),
        totalEvents: Number(ledger.eventsApplied > audit.eventsApplied ? ledger.eventsApplied : audit.eventsApplied),
      });
      const trail = new AuditTrailCheck(client, report);
      await trail.open();
      const fold = new Fold(report);
      const last = comparePositions(ledger.position, audit.position) >= 0 ? ledger.position : audit.position;
      const fromTable = options.events.from === 'table';
      const read = fromTable ? eventsInTable(client) : eventsInStore((options.events as { store: EventStore }).store);
      // PostgreSQL: the global walk checks the trail and counts; the fold walks the events again stream by stream
      // (bounded memory). EventStoreDB ($all only): one walk does both and the fold holds every payment.
      const share = fromTable ? 0.5 : 1;
      let done = 0;
      let inLedger = 0n;
      let inAudit = 0n;
      for await (const page of read(last)) {
        for (const event of page) {
          if (within(event, ledger.position)) {
            inLedger += 1n;
            if (!fromTable) fold.apply(event);
          }
          if (within(event, audit.position)) {
            inAudit += 1n;
            await trail.check(event);
          }
        }
        done += page.length;
        options.onProgress?.(Math.floor(done * share));
      }
      await trail.finish();
      countedAgainst(ledger, inLedger, report);
      countedAgainst(audit, inAudit, report);
      if (BigInt(trail.rows) !== inAudit) {
        report({
          readModel: 'audit_trail',
          key: 'rows',
          field: 'count',
          expected: `${inAudit} (stored events up to its checkpoint)`,
          actual: String(trail.rows),
        });
      }
      const counters = new ExpectedCounters(fold.fraudMinutes);
      let payments = 0;
      if (fromTable) {
        let folded = 0;
        let current: string | undefined;
        let finished = new Map<string, PaymentFacts>();
        const finish = (stream: string) => {
          const id = paymentIdFromStream(stream) ?? stream;
          const facts = fold.payments.get(id);
          if (!facts) return;
          fold.payments.delete(id);
          finished.set(id, facts);
          counters.add(facts);
          payments += 1;
        };
        for await (const page of paymentEventsByStream(client)(ledger.position)) {
          for (const event of page) {
            if (event.streamId !== current) {
              if (current !== undefined) finish(current);
              current = event.streamId;
            }
            fold.apply(event);
          }
          await comparePaymentsById(client, finished, report);
          finished = new Map();
          folded += page.length;
          options.onProgress?.(Math.floor(done * share + folded * share));
        }
        if (current !== undefined) finish(current);
        await comparePaymentsById(client, finished, report);
        await reportRowsWithoutEvents(client, PAYMENT_STREAMS, ledger.position, report);
      } else {
        payments = fold.payments.size;
        for (const facts of fold.payments.values()) counters.add(facts);
        await comparePayments(client, fold.payments, report);
      }
      for (const spec of COUNTER_TABLES) await compareCounters(client, spec, counters.tables.get(spec.table) as Counters, report);
      return { events: done, payments, auditRows: trail.rows };
    },
    { isolation: 'REPEATABLE READ', readOnly: true },
  );
}

/** A checkpoint's events_applied must equal the stored events at or below it: a skipped event shows here even if nothing else does. */
function countedAgainst(checkpoint: StoredCheckpoint, stored: bigint, report: ReportDifference): void {
  if (checkpoint.eventsApplied === stored) return;
  report({
    readModel: 'checkpoints',
    key: `name=${checkpoint.name}, position=${formatPosition(checkpoint.position)}`,
    field: 'events_applied',
    expected: `${stored} (stored events up to the checkpoint)`,
    actual: String(checkpoint.eventsApplied),
  });
}

const within = (event: RecordedEvent, checkpoint: Position) => comparePositions(event.position, checkpoint) <= 0;

/** The auditor's own fold: per-payment facts, fraud flags per minute, and anything the projector would have refused. */
class Fold {
  readonly payments = new Map<string, PaymentFacts>();
  readonly fraudMinutes = new Counters();

  constructor(private readonly report: ReportDifference) {}

  apply(recorded: RecordedEvent): void {
    const id = paymentIdFromStream(recorded.streamId) ?? recorded.streamId;
    try {
      const event = toPaymentEvent(recorded);
      let facts = this.payments.get(id);
      if (event.type === 'PaymentCreated' && !facts) {
        facts = PaymentFacts.create(event);
        this.payments.set(id, facts);
      } else if (!facts) {
        throw new Error('event for a payment that was never created');
      } else {
        facts.apply(event);
      }
      facts.revision = Number(recorded.revision);
      if (event.type === 'PaymentFraudFlagged') {
        this.fraudMinutes.add([minuteOf(Date.parse(event.data.flaggedAt)), facts.provider], { fraud_flags: 1 });
      }
    } catch (error) {
      this.report({
        readModel: 'events',
        key: `position=${formatPosition(recorded.position)}, stream=${recorded.streamId}, revision=${recorded.revision}`,
        field: recorded.type,
        expected: 'an event the read models can apply',
        actual: (error as Error).message,
      });
    }
  }
}
