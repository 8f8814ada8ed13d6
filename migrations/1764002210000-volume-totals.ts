import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `read_models.volume_totals` (ledger projection): `volume_buckets` with the providers added together, so the
 * dashboard's volume over time without a provider filter is a range read in key order (no grouping or sorting per
 * request). Filled here from `volume_buckets` under the ledger checkpoint row lock, like amount_counts.
 */
export class VolumeTotals1764002210000 implements MigrationInterface {
  name = 'VolumeTotals1764002210000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE read_models.volume_totals (
        granularity text NOT NULL CHECK (granularity IN ('hour', 'day')),
        bucket_start timestamptz NOT NULL,
        currency text NOT NULL,
        payments bigint NOT NULL DEFAULT 0,
        volume numeric(38,0) NOT NULL DEFAULT 0,
        PRIMARY KEY (granularity, bucket_start, currency)
      )`);
    const comments: [string, string][] = [
      [
        'volume_totals',
        'Succeeded payments per UTC hour or day they succeeded in and currency, all providers together (volume_buckets summed over providers).',
      ],
      ['volume_totals.granularity', 'hour or day (UTC).'],
      ['volume_totals.bucket_start', 'Start of the UTC hour or day.'],
      ['volume_totals.currency', 'Currency of payments and volume (ISO 4217); never mixed.'],
      ['volume_totals.payments', 'Payments that succeeded in the bucket.'],
      ['volume_totals.volume', 'Sum of their amounts, minor units of currency.'],
    ];
    for (const [target, text] of comments) {
      const kind = target.includes('.') ? 'COLUMN' : 'TABLE';
      await q.query(`COMMENT ON ${kind} read_models.${target} IS '${text.replace(/'/g, "''")}'`);
    }
    await q.query(`SELECT 1 FROM read_models.checkpoints WHERE name = 'ledger' FOR UPDATE`);
    await q.query(`
      INSERT INTO read_models.volume_totals (granularity, bucket_start, currency, payments, volume)
      SELECT granularity, bucket_start, currency, sum(payments), sum(volume) FROM read_models.volume_buckets GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_models.volume_totals`);
  }
}
