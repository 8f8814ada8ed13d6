import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import type { HealthSettings } from '@ledger/monitoring';
import { queryRecentEvents } from '../audit/recent-events.query';
import { queryErrors } from '../errors/errors.query';
import { queryHealth } from '../health/health.query';
import { queryMetrics } from '../metrics/metrics.query';
import { queryFailedPayments } from '../payments/failed-payments.query';
import { measureLag, type Lag } from '../rebuild/projection-status';
import { readCheckpoint } from '../runner/checkpoints';
import { PROJECTIONS } from '../projections';
import { queryBreakdown } from '../status-breakdown/breakdown.query';
import { queryVolumeOverTime, type VolumeQuery } from '../volume/volume.query';
import type {
  Breakdown,
  DashboardEvent,
  DashboardFilter,
  ErrorCount,
  FailedPayment,
  Health,
  Metrics,
  PaymentDashboard,
  VolumeBucket,
} from './shapes';

export interface DashboardQueriesOptions {
  /** SUSPICIOUS_AMOUNTS: per-currency threshold in minor units; a currency without one has no suspicious payments. */
  readonly suspiciousAmounts: Readonly<Record<string, number>>;
  /** For lag(); without it lag() throws. */
  readonly store?: EventStore;
  readonly clock?: () => Date;
  /** ALERT_RULES' thresholds, so the dashboard and the health alerts judge alike; the seed's by default. */
  readonly health?: HealthSettings;
}

/** Every dashboard read, returning the CONTRACT shapes. Plain class; the HTTP layer wraps it. */
export class DashboardQueries {
  private readonly clock: () => Date;

  constructor(
    private readonly pool: Pool,
    private readonly options: DashboardQueriesOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  metrics(filter: DashboardFilter = {}): Promise<Metrics> {
    return queryMetrics(this.pool, filter, this.options.suspiciousAmounts);
  }

  breakdown(filter: DashboardFilter = {}): Promise<Breakdown> {
    return queryBreakdown(this.pool, filter);
  }

  volumeOverTime(query: VolumeQuery): Promise<VolumeBucket[]> {
    return queryVolumeOverTime(this.pool, query);
  }

  recentEvents(limit = 50, filter: DashboardFilter = {}): Promise<DashboardEvent[]> {
    return queryRecentEvents(this.pool, limit, filter);
  }

  failedPayments(limit = 20, filter: DashboardFilter = {}): Promise<FailedPayment[]> {
    return queryFailedPayments(this.pool, limit, filter);
  }

  errors(filter: DashboardFilter = {}): Promise<ErrorCount[]> {
    return queryErrors(this.pool, filter);
  }

  health(now: Date = this.clock(), filter: DashboardFilter = {}): Promise<Health> {
    return queryHealth(this.pool, now, filter, this.options.health);
  }

  /** GET /v1/dashboard/payments: every part for one filter (volume by day, all time). */
  async payments(filter: DashboardFilter = {}): Promise<PaymentDashboard> {
    const [metrics, breakdown, volumeOverTime, recentEvents, failedPayments, errors, health] = await Promise.all([
      this.metrics(filter),
      this.breakdown(filter),
      this.volumeOverTime({ ...filter, granularity: 'day' }),
      this.recentEvents(50, filter),
      this.failedPayments(20, filter),
      this.errors(filter),
      this.health(this.clock(), filter),
    ]);
    return { metrics, breakdown, volumeOverTime, recentEvents, failedPayments, errors, health };
  }

  /** Per projection: how far its checkpoint is behind the store's head. */
  async lag(): Promise<Record<string, Lag>> {
    const store = this.options.store;
    if (!store) throw new Error('DashboardQueries.lag needs the event store');
    const entries = await Promise.all(
      Object.keys(PROJECTIONS).map(async (name) => {
        const checkpoint = await readCheckpoint(this.pool, name);
        return [name, await measureLag(store, checkpoint.position, this.clock())] as const;
      }),
    );
    return Object.fromEntries(entries);
  }
}
