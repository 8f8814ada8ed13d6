import type { Pool } from 'pg';
import { filterParams, type DashboardFilter, type VolumeBucket } from '../dashboard/shapes';
import type { Granularity } from './volume.projection';

export interface VolumeQuery extends DashboardFilter {
  readonly granularity: Granularity;
  /** Inclusive; buckets starting at or after. */
  readonly from?: Date;
  /** Exclusive; buckets starting before. */
  readonly to?: Date;
}

/**
 * Succeeded payments by the UTC hour or day they succeeded, per currency (providers summed). Both tables hold one
 * row per bucket and currency for the rows read (`volume_totals` has the providers added together; with a provider
 * filter, `volume_buckets` has one row per bucket, provider and currency), so this is a range read of the primary
 * key, in its order: no grouping or sorting per request, whatever the size of the history.
 */
export async function queryVolumeOverTime(pool: Pool, q: VolumeQuery): Promise<VolumeBucket[]> {
  const table = q.provider === undefined ? 'volume_totals' : 'volume_buckets';
  const { rows } = await pool.query<{ bucket_start: Date; currency: string; n: string; volume: string }>(
    `SELECT bucket_start, currency, payments AS n, volume FROM read_models.${table}
      WHERE granularity = $3 AND ${q.provider === undefined ? '$1::text IS NULL' : 'provider = $1'} AND ($2::text IS NULL OR currency = $2)
        AND ($4::timestamptz IS NULL OR bucket_start >= $4) AND ($5::timestamptz IS NULL OR bucket_start < $5)
      ORDER BY bucket_start, currency`,
    [...filterParams(q), q.granularity, q.from?.toISOString() ?? null, q.to?.toISOString() ?? null],
  );
  return rows.map((r) => ({ bucketStart: r.bucket_start.toISOString(), currency: r.currency, count: Number(r.n), volume: r.volume }));
}
