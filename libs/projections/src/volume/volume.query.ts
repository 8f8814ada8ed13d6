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

/** Succeeded payments by the UTC hour or day they succeeded, per currency (providers summed). */
export async function queryVolumeOverTime(pool: Pool, q: VolumeQuery): Promise<VolumeBucket[]> {
  const { rows } = await pool.query<{ bucket_start: Date; currency: string; n: string; volume: string }>(
    `SELECT bucket_start, currency, sum(payments) AS n, sum(volume) AS volume FROM read_models.volume_buckets
      WHERE granularity = $3 AND ($1::text IS NULL OR provider = $1) AND ($2::text IS NULL OR currency = $2)
        AND ($4::timestamptz IS NULL OR bucket_start >= $4) AND ($5::timestamptz IS NULL OR bucket_start < $5)
      GROUP BY bucket_start, currency ORDER BY bucket_start, currency`,
    [...filterParams(q), q.granularity, q.from?.toISOString() ?? null, q.to?.toISOString() ?? null],
  );
  return rows.map((r) => ({ bucketStart: r.bucket_start.toISOString(), currency: r.currency, count: Number(r.n), volume: r.volume }));
}
