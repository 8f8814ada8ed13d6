import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { PostgresEventStore } from '../../libs/event-store/src';
import { createPool } from '../../libs/platform/src';
import { importReport, reconciliationProjection } from '../../libs/reconciliation/src';
import { generateMonth } from '../../libs/reconciliation/src/testing/generate-month';
import { insertEvents, projectAll } from '../../libs/reconciliation/src/testing/project-all';
import { benchDatabase } from './bench-db';

/**
 * `npm run bench:reconcile` (BENCH_LINES, default 100,000): a month of Stripe USD payments in the ledger (seeded
 * and matched first, untimed), then its itemized payout reconciliation CSV of about BENCH_LINES lines is imported
 * (parse, group, append in 500-line events) and matched by the reconciliation projection, which appends its postings
 * for the books (ReconciliationPosted) as the projector's does, timed together.
 * Target (issue 32): at least 20,000 lines/s.
 */
async function main(): Promise<void> {
  const target = Number(process.env.BENCH_LINES ?? 100_000);
  const db = await benchDatabase();
  const pool = createPool(db.url, { max: 8 });
  const store = new PostgresEventStore(pool, { pollIntervalMs: 5 });
  const matching = reconciliationProjection(undefined, async () => undefined);
  // As the projector runs it: with the store, so the postings it appends for the books are timed too.
  const projection: typeof matching = { ...matching, apply: (tx, events, target) => matching.apply(tx, events, { ...target, store }) };
  try {
    // Only the report is kept past the seeding: the month's hundreds of thousands of generated events would stay in
    // this process's old space through the timed part, which neither the projector nor the CLI carries.
    const stripeCsv = await seed(pool, Math.round(target * 0.95));
    const seeded = await projectAll(pool, store, projection);
    // Statistics and visibility as a running system's tables have them: left to autovacuum, the timed statements were
    // planned with or without statistics depending on whether its analyze had come round yet (runs of the same code
    // split 16k / 21k). And the seeding's writes checkpointed: the timed part pays for the import and the matching,
    // not for writing back the seeding's pages.
    await pool.query('VACUUM (ANALYZE)');
    await pool.query('CHECKPOINT');
    const started = process.hrtime.bigint();
    const result = await importReport(store, {
      provider: 'stripe',
      format: 'csv',
      input: Readable.from([stripeCsv]),
      actor: 'bench',
      now: new Date(),
    });
    const imported = process.hrtime.bigint();
    await projectAll(pool, store, projection, seeded);
    const done = process.hrtime.bigint();
    const seconds = Number(done - started) / 1e9;
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM read_models.reconciliation_lines`);
    const posted = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM event_store.events WHERE event_type = 'ReconciliationPosted'`,
    );
    console.log(
      JSON.stringify({
        lines: result.lines,
        linesMatchedOrPlaced: Number(rows[0].n),
        postingsAppended: Number(posted.rows[0].n),
        importSeconds: Number(imported - started) / 1e9,
        matchSeconds: Number(done - imported) / 1e9,
        linesPerSecond: Math.round(result.lines / seconds),
        loadavg: loadavg()
          .map((l) => l.toFixed(2))
          .join(' '),
      }),
    );
  } finally {
    await store.close();
    await pool.end();
    await db.stop();
  }
}

/** A month of Stripe USD payments and their payouts' status events into the store; its itemized report CSV. */
async function seed(pool: Pool, payments: number): Promise<string> {
  const month = generateMonth({ payments, plantedPerKind: 0, stripeUsdOnly: true });
  await insertEvents(pool, [...month.paymentEvents, ...month.payoutStatusEvents]);
  return month.stripeCsv;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
