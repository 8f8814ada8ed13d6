import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import { DEFAULT_STALL_AFTER_MS, assessProjectionStall, type HealthSettings } from '@ledger/monitoring';
import { queryRecentEvents } from '../audit/recent-events.query';
import { queryErrors } from '../errors/errors.query';
import { queryHealth } from '../health/health.query';
import { withProjectionStalls, type ProjectionState } from '../health/projection-health';
import { queryMetrics } from '../metrics/metrics.query';
import { queryFailedPayments } from '../payments/failed-payments.query';
import { projectionStatus, type Lag, type ProjectionStatus } from '../rebuild/projection-status';
import { queryBreakdown } from '../status-breakdown/breakdown.query';
import { queryVolumeOverTime, type VolumeQuery } from '../volume/volume.query';
import { OneRoundTrip } from './one-round-trip';
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
  /**
   * lag() is measured at most once per this many ms (1000 by default; 0 measures on every call) and
   * served from that measurement meanwhile; a measurement older than twice this is never served.
   */
  readonly lagRefreshMs?: number;
  /**
   * PROJECTION_STALL_AFTER: health() is unhealthy, with one issue per projection, while a projection is
   * stalled (`assessProjectionStall` of @ledger/monitoring, the projection_stalled alert's definition).
   */
  readonly stallAfterMs?: number;
}

interface LagMeasurement {
  /** performance.now() when the measurement started: its age is never understated. */
  readonly at: number;
  /** The clock's time the lag's ages were measured against. */
  readonly now: Date;
  readonly statuses: readonly ProjectionStatus[];
  readonly value: Record<string, Lag>;
}

/** Every dashboard read, returning the CONTRACT shapes. Plain class; the HTTP layer wraps it. */
export class DashboardQueries {
  private readonly clock: () => Date;
  private readonly lagRefreshMs: number;
  private lastLag?: LagMeasurement;
  private lagInFlight?: Promise<LagMeasurement>;

  constructor(
    private readonly pool: Pool,
    private readonly options: DashboardQueriesOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.lagRefreshMs = options.lagRefreshMs ?? 1000;
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

  /**
   * The providers' health at `now` (the minute windows), made unhealthy with one issue per stalled projection
   * ("projection ledger stalled: 793 events waiting for 147 s"): numbers a stalled projection stopped moving are
   * not healthy whatever they say. The stalls come from the lag measurement (lag()), so without a store none.
   */
  async health(now: Date = this.clock(), filter: DashboardFilter = {}): Promise<Health> {
    const [health, projections] = await Promise.all([
      queryHealth(this.pool, now, filter, this.options.health),
      this.options.store ? this.projections() : [],
    ]);
    return withProjectionStalls(health, projections);
  }

  /**
   * GET /v1/dashboard/payments: every part for one filter (volume by day, all time), in one round trip (issue 33:
   * the parts' queries sent as one batch, OneRoundTrip), beside the lag measurement health is judged with (lag()).
   */
  async payments(filter: DashboardFilter = {}): Promise<PaymentDashboard> {
    const now = this.clock();
    const [parts, projections] = await Promise.all([
      OneRoundTrip.read(this.pool, (db) =>
        Promise.all([
          queryMetrics(db, filter, this.options.suspiciousAmounts),
          queryBreakdown(db, filter),
          queryVolumeOverTime(db, { ...filter, granularity: 'day' }),
          queryRecentEvents(db, 50, filter),
          queryFailedPayments(db, 20, filter),
          queryErrors(db, filter),
          queryHealth(db, now, filter, this.options.health),
        ]),
      ),
      this.options.store ? this.projections() : [],
    ]);
    const [metrics, breakdown, volumeOverTime, recentEvents, failedPayments, errors, health] = parts;
    return { metrics, breakdown, volumeOverTime, recentEvents, failedPayments, errors, health: withProjectionStalls(health, projections) };
  }

  /**
   * Per projection: how far its checkpoint is behind the store's true head. Counting the committed events above
   * the checkpoint and reading the horizon costs several queries, and every dashboard response carries the lag:
   * so it is measured once per `lagRefreshMs` per instance (one per process) and that measurement is served
   * meanwhile. A measurement older than `lagRefreshMs` is refreshed in the background (one at a time); one older
   * than twice that is never served, the call waits for a fresh one. A stall therefore shows within 2 s.
   */
  async lag(): Promise<Record<string, Lag>> {
    return (await this.lagMeasurement()).value;
  }

  /**
   * Every projection's status (checkpoint, lag) with its stall assessed, from the same measurement as lag()
   * (so no more often than it): `stalled` and `waitedSeconds` as the projection_stalled alert judges them.
   */
  async projections(): Promise<ProjectionState[]> {
    const { statuses, now } = await this.lagMeasurement();
    const stallAfterMs = this.options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
    return statuses.map((status) => ({ ...status, stall: assessProjectionStall(status, now, stallAfterMs) }));
  }

  private async lagMeasurement(): Promise<LagMeasurement> {
    if (!this.options.store) throw new Error('DashboardQueries.lag needs the event store');
    const last = this.lastLag;
    const age = last ? performance.now() - last.at : Infinity;
    if (last && age < this.lagRefreshMs) return last;
    if (last && age < 2 * this.lagRefreshMs) {
      this.measureLagOnce().catch(() => undefined); // a failure surfaces on the call that has to wait
      return last;
    }
    return this.measureLagOnce();
  }

  private measureLagOnce(): Promise<LagMeasurement> {
    this.lagInFlight ??= this.measureLag().finally(() => {
      this.lagInFlight = undefined;
    });
    return this.lagInFlight;
  }

  private async measureLag(): Promise<LagMeasurement> {
    const at = performance.now();
    const now = this.clock();
    const statuses = await projectionStatus(this.pool, this.options.store as EventStore, now);
    const entries = statuses.map((status) => [status.name, status.lag] as const);
    const measurement = { at, now, statuses, value: Object.fromEntries(entries) };
    if (!this.lastLag || this.lastLag.at < at) this.lastLag = measurement;
    return measurement;
  }
}
