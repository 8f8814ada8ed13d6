import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['volume_buckets', 'volume_totals'] as const;

/**
 * Minute buckets in `read_models.volume_buckets` and `volume_totals` (ledger projection): `granularity` takes
 * `minute` beside `hour` and `day`, so the dashboard's last hour is sixty points, not one. The projection adds a
 * minute row per success from now on; the history's are filled here from `read_models.payments` (each succeeded
 * payment's `succeeded_at` and amount, which success captured: what the projection added at its hour and day),
 * under the ledger checkpoint's row lock like the other backfills, so no batch commits in between. A rebuild
 * and `ledger audit verify` compute the same rows from the events.
 */
export class VolumeMinutes1764002300000 implements MigrationInterface {
  name = 'VolumeMinutes1764002300000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      // The CHECK's name is PostgreSQL's (a rebuild's swapped-in copy keeps it, but look it up rather than trust it).
      await q.query(`
        DO $$ DECLARE c record; BEGIN
          FOR c IN SELECT conname FROM pg_constraint
                    WHERE conrelid = 'read_models.${table}'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%granularity%'
          LOOP EXECUTE format('ALTER TABLE read_models.${table} DROP CONSTRAINT %I', c.conname); END LOOP;
        END $$`);
      await q.query(
        `ALTER TABLE read_models.${table} ADD CONSTRAINT ${table}_granularity_check CHECK (granularity IN ('minute', 'hour', 'day'))`,
      );
      await q.query(
        `COMMENT ON COLUMN read_models.${table}.granularity IS 'minute, hour or day (UTC); the dashboard serves minutes of the last 24 hours only.'`,
      );
      await q.query(`COMMENT ON COLUMN read_models.${table}.bucket_start IS 'Start of the UTC minute, hour or day.'`);
    }
    await q.query(`SELECT 1 FROM read_models.checkpoints WHERE name = 'ledger' FOR UPDATE`);
    const minute = `date_trunc('minute', succeeded_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
    await q.query(`
      INSERT INTO read_models.volume_buckets (granularity, bucket_start, provider, currency, payments, volume)
      SELECT 'minute', ${minute}, provider, currency, count(*), sum(amount) FROM read_models.payments
       WHERE succeeded_at IS NOT NULL GROUP BY 2, 3, 4`);
    await q.query(`
      INSERT INTO read_models.volume_totals (granularity, bucket_start, currency, payments, volume)
      SELECT 'minute', bucket_start, currency, sum(payments), sum(volume) FROM read_models.volume_buckets
       WHERE granularity = 'minute' GROUP BY 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`DELETE FROM read_models.${table} WHERE granularity = 'minute'`);
      await q.query(`ALTER TABLE read_models.${table} DROP CONSTRAINT ${table}_granularity_check`);
      await q.query(`ALTER TABLE read_models.${table} ADD CONSTRAINT ${table}_granularity_check CHECK (granularity IN ('hour', 'day'))`);
    }
  }
}
