import type { Pool, PoolClient } from 'pg';
import { comparePositions, formatPosition, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { paymentIdFromStream, StreamUpcaster } from '@ledger/payments-domain';
import { withTransaction } from '@ledger/platform';
import { AuditTrailCheck } from './audit-trail-check';
import { booksEventsInStore, booksEventsInTable, checkBooks, closesInStore, closesInTable } from './books-check';
import { AUDIT_TRAIL, LEDGER, storedCheckpoint, type StoredCheckpoint } from './checkpoints';
import { compareCounters, comparePayments, comparePaymentsById, reportRowsWithoutEvents, type ReportDifference } from './compare-tables';
import { COUNTER_TABLES, Counters, ExpectedCounters, minuteOf } from './expected-counters';
import { PaymentFacts } from './payment-facts';
import { checkReconciliation } from './reconciliation-check';
import { PAYMENT_STREAMS, eventsInStore, eventsInTable, paymentEventsByStream, type StoredEvents } from './stored-events';

export interface VerifyOptions {
  readonly pool: Pool;
  /** Where the events are read: the PostgreSQL table by verify's own SQL, or (EventStoreDB) `$all` through this store. */
  readonly events: { readonly from: 'table' } | { readonly from: 'store'; readonly store: EventStore };
  readonly report: ReportDifference;
  readonly onStart?: (info: { ledger: string; auditTrail: string; totalEvents: number }) => void;
  readonly onProgress?: (eventsDone: number) => void;
  /** SETTLEMENT_WINDOWS, for the reconciliation's missing_from_payout (the contract's defaults when left out). */
  readonly settlementWindows?: Readonly<Record<string, number>>;
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
  return withTransaction(options.pool, (client) => verifySnapshot(client, options), { isolation: 'REPEATABLE READ', readOnly: true });
}

/**
 * PostgreSQL: the walk in global order checks the trail and counts, then a second walk folds the payments stream
 * by stream (bounded memory: each payment is compared once its stream ends). EventStoreDB ($all only): the one
 * walk in global order also folds, and the fold holds every payment until the end.
 */
async function verifySnapshot(client: PoolClient, options: VerifyOptions): Promise<VerifyResult> {
  const { report } = options;
  const checkpoints = { ledger: await storedCheckpoint(client, LEDGER), audit: await storedCheckpoint(client, AUDIT_TRAIL) };
  const { ledger, audit } = checkpoints;
  options.onStart?.({
    ledger: formatPosition(ledger.position),
    auditTrail: formatPosition(audit.position),
    totalEvents: Number(ledger.eventsApplied > audit.eventsApplied ? ledger.eventsApplied : audit.eventsApplied),
  });
  const facts = new EventFacts(report);
  const byStream = options.events.from === 'table';
  const walks = byStream ? 2 : 1;
  const progress = (eventsWalked: number) => options.onProgress?.(Math.floor(eventsWalked / walks));
  const read = options.events.from === 'table' ? eventsInTable(client) : eventsInStore(options.events.store);
  const walked = await walkInGlobalOrder(client, read, checkpoints, report, byStream ? undefined : facts, progress);
  const counters = new ExpectedCounters(facts.fraudMinutes);
  let payments: number;
  if (byStream) {
    payments = await foldStreamByStream(client, facts, counters, ledger.position, report, (folded) => progress(walked.events + folded));
  } else {
    payments = facts.payments.size;
    for (const payment of facts.payments.values()) counters.add(payment);
    await comparePayments(client, facts.payments, report);
  }
  for (const spec of COUNTER_TABLES) await compareCounters(client, spec, counters.tables.get(spec.table) as Counters, report);
  const closes = options.events.from === 'table' ? closesInTable(client) : closesInStore(options.events.store);
  await checkBooks(
    client,
    options.events.from === 'table' ? booksEventsInTable(client) : booksEventsInStore(options.events.store),
    closes,
    report,
  );
  await checkReconciliation(
    client,
    options.events.from === 'table' ? booksEventsInTable(client) : booksEventsInStore(options.events.store),
    report,
    options.settlementWindows,
  );
  return { events: walked.events, payments, auditRows: walked.auditRows };
}

/**
 * Every stored event up to the later checkpoint, in global order: each one at or below the audit trail's checkpoint
 * checked against its row, each counted against its checkpoint's events_applied, and (given `fold`) folded.
 */
async function walkInGlobalOrder(
  client: PoolClient,
  read: StoredEvents,
  { ledger, audit }: { ledger: StoredCheckpoint; audit: StoredCheckpoint },
  report: ReportDifference,
  fold: EventFacts | undefined,
  progress: (eventsWalked: number) => void,
): Promise<{ events: number; auditRows: number }> {
  const trail = new AuditTrailCheck(client, report);
  await trail.open();
  const last = comparePositions(ledger.position, audit.position) >= 0 ? ledger.position : audit.position;
  let events = 0;
  let inLedger = 0n;
  let inAudit = 0n;
  for await (const page of read(last)) {
    for (const event of page) {
      if (within(event, ledger.position)) {
        inLedger += 1n;
        fold?.apply(event);
      }
      if (within(event, audit.position)) {
        inAudit += 1n;
        await trail.check(event);
      }
    }
    events += page.length;
    progress(events);
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
  return { events, auditRows: trail.rows };
}

/**
 * PostgreSQL's second walk: the payment events up to the ledger's checkpoint, stream by stream; each payment is
 * added to the counters and compared with its row once its stream ends, a page of payments at a time. Returns
 * how many payments there were.
 */
async function foldStreamByStream(
  client: PoolClient,
  facts: EventFacts,
  counters: ExpectedCounters,
  to: Position,
  report: ReportDifference,
  progress: (eventsFolded: number) => void,
): Promise<number> {
  let payments = 0;
  let folded = 0;
  let current: string | undefined;
  let finished = new Map<string, PaymentFacts>();
  const finish = (stream: string) => {
    const id = paymentIdFromStream(stream) ?? stream;
    const payment = facts.payments.get(id);
    if (!payment) return;
    facts.payments.delete(id);
    finished.set(id, payment);
    counters.add(payment);
    payments += 1;
  };
  for await (const page of paymentEventsByStream(client)(to)) {
    for (const event of page) {
      if (event.streamId !== current) {
        if (current !== undefined) finish(current);
        current = event.streamId;
      }
      facts.apply(event);
    }
    await comparePaymentsById(client, finished, report);
    finished = new Map();
    folded += page.length;
    progress(folded);
  }
  if (current !== undefined) finish(current);
  await comparePaymentsById(client, finished, report);
  await reportRowsWithoutEvents(client, PAYMENT_STREAMS, to, report);
  return payments;
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

/** The auditor's own fold of the events: per-payment facts, fraud flags per minute, and anything the projector would have refused. */
class EventFacts {
  readonly payments = new Map<string, PaymentFacts>();
  readonly fraudMinutes = new Counters();
  /** One per run: old streams' provider-unit amounts are read in ISO units, as the projections read them. */
  private readonly upcaster = new StreamUpcaster();

  constructor(private readonly report: ReportDifference) {}

  apply(recorded: RecordedEvent): void {
    const id = paymentIdFromStream(recorded.streamId) ?? recorded.streamId;
    try {
      const event = this.upcaster.read(recorded);
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
      // Velocity flags (with a rule) are not in health (CONTRACT.md › "Fraud velocity").
      if (event.type === 'PaymentFraudFlagged' && event.data.rule === undefined) {
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
