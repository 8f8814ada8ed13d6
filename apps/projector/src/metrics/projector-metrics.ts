import type { Pool, PoolClient } from 'pg';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import { queryBalances } from '@ledger/books';
import { collectProcessMetrics } from '@ledger/platform';
import { PROVIDERS } from '@ledger/payments-domain';
import { reconciliationSummary, type ReconciliationSummary } from '@ledger/reconciliation';
import {
  DashboardQueries,
  PROJECTIONS,
  paymentProviders,
  projectionStatus,
  type OnBatch,
  type ProjectionStatus,
} from '@ledger/projections';

const STATUSES = ['pending', 'processing', 'succeeded', 'failed', 'partially_refunded', 'refunded'] as const;
const OUTCOMES = ['succeeded', 'failed'] as const;
const VOLUME_KINDS = [
  ['succeeded', 'succeeded'],
  ['refunded', 'refunded'],
  ['disputeLosses', 'dispute_loss'],
] as const;

/**
 * The projector's business metrics. Stock (payments by status, volumes per
 * currency, lag) is read from the read models and the store at scrape time, so
 * it is exact and survives restarts; flow (batches, decisions, processing
 * times) is counted in the batch hook of the live runner. Labels are bounded:
 * provider, currency, status, outcome, projection. Never a payment or customer id.
 */
export class ProjectorMetrics {
  readonly registry = new Registry();
  private readonly batches = this.counter('ledger_projection_batches_total', 'Batches committed, by projection', ['projection']);
  private readonly applied = this.counter('ledger_projection_events_applied_total', 'Events applied, by projection', ['projection']);
  private readonly decisions = this.counter(
    'ledger_payment_decisions_total',
    'Payments decided (succeeded or failed) as projected, by provider and outcome',
    ['provider', 'outcome'],
  );
  private readonly processing = new Histogram({
    name: 'ledger_payment_processing_seconds',
    help: 'processingTimeMs given on success or failure, by provider and outcome',
    labelNames: ['provider', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor(pool: Pool, store: EventStore, suspiciousAmounts: Readonly<Record<string, number>>) {
    collectProcessMetrics(this.registry);
    const queries = new DashboardQueries(pool, { suspiciousAmounts, store });
    this.gauge('ledger_payments', 'Payments by provider and current status (read model)', ['provider', 'status'], async (g) => {
      for (const provider of PROVIDERS) {
        const breakdown = await queries.breakdown({ provider });
        for (const status of STATUSES) g.set({ provider, status }, breakdown[status]);
      }
    });
    // Counters in minor units (a sum only grows), read from the read model: one series per currency, never added across.
    const volume = new Counter({
      name: 'ledger_payment_volume_minor_total',
      help: 'Succeeded, refunded and dispute-loss amounts in minor units, by currency and kind',
      labelNames: ['currency', 'kind'],
      registers: [this.registry],
      collect: async () => {
        volume.reset();
        for (const row of (await queries.metrics()).volumes as unknown as Record<string, string>[]) {
          for (const [field, kind] of VOLUME_KINDS)
            if (row[field] !== undefined) volume.inc({ currency: row.currency, kind }, Number(row[field]));
        }
      },
    });
    // The books' balances now (contract signs: income credits − debits, the others debits − credits), per account
    // and currency; a balance goes down as well as up. Bounded labels: the chart has a few accounts per provider.
    this.gauge(
      'ledger_books_balance_minor',
      'Books balance of each account in minor units, by account and currency',
      ['account', 'currency'],
      async (g) => {
        g.reset();
        for (const row of await queryBalances(pool, { now: new Date() }))
          g.set({ account: row.account, currency: row.currency }, Number(row.balance));
      },
    );
    // Settlement reconciliation (issue 32), per provider and currency, one summary query per scrape. The API gives the
    // exact decimal strings; Prometheus samples are floats.
    let summary: { at: number; value: Promise<ReconciliationSummary[]> } | undefined;
    const reconciled = () => {
      if (!summary || Date.now() - summary.at > 1_000)
        summary = { at: Date.now(), value: reconciliationSummary(pool, { now: new Date() }) };
      return summary.value;
    };
    const RECONCILIATION: readonly [string, string, (r: ReconciliationSummary) => number][] = [
      ['ledger_reconciliation_reported_volume_minor', 'Σ |gross| of reported payout lines, minor units', (r) => Number(r.reportedVolume)],
      ['ledger_reconciliation_matched_volume_minor', 'Σ |gross| of lines matched to a ledger fact or fees', (r) => Number(r.matchedVolume)],
      ['ledger_reconciliation_reconciled_share', 'matched / reported volume', (r) => Number(r.reconciledShare)],
      ['ledger_reconciliation_fees_minor', 'provider fees, minor units (cost per provider)', (r) => Number(r.fees)],
      ['ledger_reconciliation_effective_fee_rate', 'fees / charged volume', (r) => Number(r.effectiveFeeRate)],
      ['ledger_reconciliation_open_breaks', 'open reconciliation breaks', (r) => r.openBreaks],
      [
        'ledger_reconciliation_oldest_open_break_age_seconds',
        'age of the oldest open break; 0 without one',
        (r) => r.oldestOpenBreakAgeSeconds ?? 0,
      ],
    ];
    for (const [name, help, value] of RECONCILIATION) {
      this.gauge(name, `${help}, by provider and currency`, ['provider', 'currency'], async (g) => {
        g.reset();
        for (const r of await reconciled()) g.set({ provider: r.provider, currency: r.currency }, value(r));
      });
    }
    // Three gauges, one scrape: measure the lag once.
    let last: { at: number; value: Promise<ProjectionStatus[]> } | undefined;
    const lag = () => {
      if (!last || Date.now() - last.at > 1_000) last = { at: Date.now(), value: projectionStatus(pool, store) };
      return last.value;
    };
    this.gauge(
      'ledger_projection_lag_events',
      'Events in the store after the checkpoint (counted up to 1000)',
      ['projection'],
      async (g) => {
        for (const s of await lag()) g.set({ projection: s.name }, s.lag.positionsBehind);
      },
    );
    this.gauge('ledger_projection_lag_seconds', 'Age of the oldest event not yet applied; 0 when caught up', ['projection'], async (g) => {
      for (const s of await lag()) g.set({ projection: s.name }, s.lag.secondsBehind);
    });
    this.gauge('ledger_projection_checkpoint_age_seconds', 'Seconds since the checkpoint last moved', ['projection'], async (g) => {
      for (const s of await lag()) g.set({ projection: s.name }, Math.max(0, (Date.now() - Date.parse(s.updatedAt)) / 1000));
    });
    // The horizon: the oldest transaction id still running on the PostgreSQL server, below which projectors read.
    this.gauge(
      'ledger_event_store_horizon_age_seconds',
      'PostgreSQL store: how long the read horizon has been held where it is (absent on EventStoreDB)',
      [],
      async (g) => {
        const age = (await lag())[0]?.lag.horizonAgeSeconds;
        if (age !== null && age !== undefined) g.set(age);
      },
    );
    // Flow counters exist at 0 for every known label from the start, so a board reads 0 rather than "No data".
    for (const projection of Object.keys(PROJECTIONS)) {
      this.batches.inc({ projection }, 0);
      this.applied.inc({ projection }, 0);
    }
    for (const provider of PROVIDERS)
      for (const outcome of OUTCOMES) {
        this.decisions.inc({ provider, outcome }, 0);
        this.processing.zero({ provider, outcome });
      }
  }

  /** A counting hook for every projection, around the hooks already registered (the alerts on `ledger`). */
  hooks(inner: Readonly<Record<string, OnBatch>> = {}): Record<string, OnBatch> {
    return Object.fromEntries(Object.keys(PROJECTIONS).map((name) => [name, this.hook(name, inner[name])]));
  }

  /**
   * Wraps a projection's batch hook. It runs inside the batch transaction: a
   * batch that rolls back stops the projector (loudly), so counting before the
   * COMMIT overcounts at most the batch that killed the process.
   */
  hook(projection: string, inner?: OnBatch): OnBatch {
    return async (tx, events) => {
      await inner?.(tx, events);
      this.batches.inc({ projection });
      this.applied.inc({ projection }, events.length);
      if (projection === 'ledger') await this.countDecisions(tx, events);
    };
  }

  private async countDecisions(tx: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const decided = events.filter((e) => e.type === 'PaymentSucceeded' || e.type === 'PaymentFailed');
    if (decided.length === 0) return;
    const providerOf = await paymentProviders(
      tx,
      decided.map((e) => (e.data as { paymentId: string }).paymentId),
    );
    for (const e of decided) {
      const data = e.data as { paymentId: string; processingTimeMs?: number };
      const labels = {
        provider: providerOf.get(data.paymentId) ?? 'unknown',
        outcome: e.type === 'PaymentSucceeded' ? 'succeeded' : 'failed',
      };
      this.decisions.inc(labels);
      if (typeof data.processingTimeMs === 'number') this.processing.observe(labels, data.processingTimeMs / 1000);
    }
  }

  private counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge(name: string, help: string, labelNames: string[], fill: (g: Gauge) => Promise<void>): Gauge {
    const gauge: Gauge = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        gauge.reset();
        await fill(gauge);
      },
    });
    return gauge;
  }
}
