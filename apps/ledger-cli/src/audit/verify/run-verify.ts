import type { Pool } from 'pg';
import { comparePositions, formatPosition, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { PAYMENT_STREAM_PREFIX, paymentIdFromStream, toPaymentEvent } from '@ledger/payments-domain';
import { withTransaction } from '@ledger/platform';
import { auditTrailProjection, ledgerProjection, readCheckpoint } from '@ledger/projections';
import { readEvents } from '../replay/read-events';
import { AuditTrailCheck } from './audit-trail-check';
import { compareCounters, comparePayments, type ReportDifference } from './compare-tables';
import { COUNTER_TABLES, Counters, expectedCounters, minuteOf } from './expected-counters';
import { PaymentFacts } from './payment-facts';

export interface VerifyOptions {
  readonly pool: Pool;
  readonly store: EventStore;
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
 * events up to each checkpoint are folded in memory and compared table by table.
 * A running projector does not disturb it: the snapshot and the checkpoints agree.
 */
export function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const { pool, store, report } = options;
  return withTransaction(pool, async (client) => {
    const ledger = await readCheckpoint(client, ledgerProjection.name);
    const audit = await readCheckpoint(client, auditTrailProjection.name);
    options.onStart?.({
      ledger: formatPosition(ledger.position),
      auditTrail: formatPosition(audit.position),
      totalEvents: Math.max(ledger.eventsApplied, audit.eventsApplied),
    });
    const trail = new AuditTrailCheck(client, report);
    await trail.open();
    const fold = new Fold(report);
    const last = comparePositions(ledger.position, audit.position) >= 0 ? ledger.position : audit.position;
    let done = 0;
    for await (const page of readEvents(store, { to: last, streamPrefix: PAYMENT_STREAM_PREFIX, pageSize: 5000 })) {
      for (const event of page) {
        if (within(event, ledger.position)) fold.apply(event);
        if (within(event, audit.position)) await trail.check(event);
      }
      done += page.length;
      options.onProgress?.(done);
    }
    await trail.finish();
    const payments = fold.payments.size;
    const counters = expectedCounters(fold.payments.values(), fold.fraudMinutes);
    await comparePayments(client, fold.payments, report);
    for (const spec of COUNTER_TABLES) await compareCounters(client, spec, counters.get(spec.table) as Counters, report);
    return { events: done, payments, auditRows: trail.rows };
  }, { isolation: 'REPEATABLE READ', readOnly: true });
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
