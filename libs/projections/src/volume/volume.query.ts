import type { Pool } from 'pg';
import type { Provider } from '@ledger/payments-domain';
import { filterParams, type DashboardFilter, type VolumeBucket } from '../dashboard/shapes';
import type { Granularity } from './volume.projection';

/** Minute buckets are served for this long back from now (CONTRACT: `granularity=minute`, the last 24 hours). */
export const MINUTE_BUCKETS_SERVED_MS = 24 * 3_600_000;

export interface VolumeQuery extends DashboardFilter {
  readonly granularity: Granularity;
  /** Inclusive; buckets starting at or after. With `minute`, never earlier than 24 hours before `now`. */
  readonly from?: Date;
  /** Exclusive; buckets starting before. */
  readonly to?: Date;
  /** The clock the 24-hour bound of minute buckets is measured on (tests); the wall clock by default. */
  readonly now?: Date;
}

/** The start of what is served: `from`, raised to 24 hours ago for minute buckets. */
export function servedFrom(q: Pick<VolumeQuery, 'granularity' | 'from' | 'now'>): Date | undefined {
  if (q.granularity !== 'minute') return q.from;
  const earliest = new Date((q.now ?? new Date()).getTime() - MINUTE_BUCKETS_SERVED_MS);
  return q.from && q.from > earliest ? q.from : earliest;
}

/**
 * Succeeded payments by the UTC minute, hour or day they succeeded, per currency (providers summed). Both tables
 * hold one row per bucket and currency for the rows read (`volume_totals` has the providers added together; with a
 * provider filter, `volume_buckets` has one row per bucket, provider and currency), so this is a range read of the
 * primary key, in its order: no grouping or sorting per request, whatever the size of the history. Minute buckets
 * exist for the whole history (a rebuild and `ledger audit verify` compute them all), but only the last 24 hours
 * of them are served: a minute chart is for the last hour or day, and that bound keeps the read small.
 */
export async function queryVolumeOverTime(pool: Pool, q: VolumeQuery): Promise<VolumeBucket[]> {
  const table = q.provider === undefined ? 'volume_totals' : 'volume_buckets';
  const { rows } = await pool.query<{ bucket_start: Date; currency: string; n: string; volume: string }>(
    `SELECT bucket_start, currency, payments AS n, volume FROM read_models.${table}
      WHERE granularity = $3 AND ${q.provider === undefined ? '$1::text IS NULL' : 'provider = $1'} AND ($2::text IS NULL OR currency = $2)
        AND ($4::timestamptz IS NULL OR bucket_start >= $4) AND ($5::timestamptz IS NULL OR bucket_start < $5)
      ORDER BY bucket_start, currency`,
    [...filterParams(q), q.granularity, servedFrom(q)?.toISOString() ?? null, q.to?.toISOString() ?? null],
  );
  return rows.map((r) => ({ bucketStart: r.bucket_start.toISOString(), currency: r.currency, count: Number(r.n), volume: r.volume }));
}

/** Decisions of one provider in one UTC minute: what the dashboard's per-minute series are drawn from. */
export interface ActivityMinute {
  readonly minuteStart: string;
  readonly provider: string;
  /** Payments that succeeded in the minute. */
  readonly succeeded: number;
  /** Failed attempts in the minute (a payment may fail and later succeed: health counts attempts). */
  readonly failed: number;
}

export interface ActivityQuery {
  readonly provider?: Provider;
  /** Inclusive; never earlier than 24 hours before `now`. */
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
  readonly now?: Date;
}

/**
 * Succeeded payments and failed attempts per UTC minute and provider, by the time each event carries (the
 * health read model's minute rows, the same the health verdicts and alerts count), minutes without a decision
 * left out. Like minute volume buckets, only the last 24 hours are served. A range read of the primary key.
 */
export async function queryActivity(pool: Pool, q: ActivityQuery): Promise<ActivityMinute[]> {
  const from = servedFrom({ granularity: 'minute', from: q.from, now: q.now }) as Date;
  const { rows } = await pool.query<{ minute_start: Date; provider: string; succeeded: string; failed: string }>(
    `SELECT minute_start, provider, succeeded, failed FROM read_models.health_windows
      WHERE minute_start >= $1 AND ($2::timestamptz IS NULL OR minute_start < $2) AND ($3::text IS NULL OR provider = $3)
        AND (succeeded > 0 OR failed > 0)
      ORDER BY minute_start, provider`,
    [from.toISOString(), q.to?.toISOString() ?? null, q.provider ?? null],
  );
  return rows.map((r) => ({
    minuteStart: r.minute_start.toISOString(),
    provider: r.provider,
    succeeded: Number(r.succeeded),
    failed: Number(r.failed),
  }));
}
