import { PostgresEventStore } from '@ledger/event-store';
import { withTransaction } from '@ledger/platform';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { Readable } from 'node:stream';
import { checkReconciliation } from '../../../apps/ledger-cli/src/audit/verify/reconciliation-check';
import { booksEventsInTable } from '../../../apps/ledger-cli/src/audit/verify/books-check';
import type { Difference } from '../../../apps/ledger-cli/src/audit/verify/compare-tables';
import { importReport, reconciliationProjection, resolveBreak } from '@ledger/reconciliation';
import { setCheckpoint } from '../../../libs/projections/src/runner/checkpoints';
import { generateMonth } from '../../../libs/reconciliation/src/testing/generate-month';
import { insertEvents, projectAll } from '../../../libs/reconciliation/src/testing/project-all';

/** `ledger audit verify` recomputes the reconciliation with its own code and compares the lines and open breaks. */
describe('audit verify: the reconciliation', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const month = generateMonth({ payments: 3_000, plantedPerKind: 4 });

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    await insertEvents(db.pool, [...month.paymentEvents, ...month.payoutStatusEvents]);
    const now = new Date('2026-04-05T00:00:00Z');
    const files = [
      { provider: 'stripe' as const, format: 'csv' as const, body: month.stripeCsv },
      ...month.stripeJsonFiles.map((f) => ({ provider: 'stripe' as const, format: 'json' as const, body: JSON.stringify(f) })),
      { provider: 'paystack' as const, format: 'json' as const, body: JSON.stringify(month.paystackJson) },
    ];
    for (const f of files) {
      await importReport(store, { provider: f.provider, format: f.format, input: Readable.from([f.body]), actor: 'key_finance', now });
    }
    await project();
  }, 120_000);

  const projection = reconciliationProjection(undefined, async () => undefined);
  let head: Awaited<ReturnType<typeof projectAll>>;
  async function project(): Promise<void> {
    head = (await projectAll(db.pool, store, projection, head)) ?? head;
    const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events WHERE starts_with(stream_id, 'pay')`);
    await withTransaction(db.pool, (tx) => setCheckpoint(tx, 'reconciliation', head!, Number(rows[0].n)));
  }

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const verify = () =>
    withTransaction(db.pool, async (client) => {
      const differences: Difference[] = [];
      await checkReconciliation(client, booksEventsInTable(client), (d) => differences.push(d));
      return differences;
    });

  it('finds no difference in a generated month with planted breaks of every kind', async () => {
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM read_models.reconciliation_breaks WHERE status = 'open'`,
    );
    expect(Number(rows[0].n)).toBe(4 * 6);
    expect(await verify()).toEqual([]);
  });

  it('finds no difference once a person resolved a break of each kind (the resolution names the break by its id)', async () => {
    const { rows: picked } = await db.pool.query<{ break_id: string; provider: string }>(
      `SELECT DISTINCT ON (kind) break_id, provider FROM read_models.reconciliation_breaks WHERE status = 'open' ORDER BY kind, break_id`,
    );
    expect(picked).toHaveLength(6);
    for (const b of picked) {
      await resolveBreak(db.pool, store, {
        breakId: b.break_id,
        account: `expense:fees:${b.provider}`,
        note: 'written off',
        actor: 'key_finance',
        now: new Date('2026-04-06T00:00:00Z'),
      });
    }
    await project();
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM read_models.reconciliation_breaks WHERE status = 'open'`,
    );
    expect(Number(rows[0].n)).toBe(4 * 6 - 6);
    expect(await verify()).toEqual([]);
  });

  it('names a tampered line and a break closed behind its back', async () => {
    const { rows } = await db.pool.query<{ provider: string; line_id: string }>(
      `UPDATE read_models.reconciliation_lines SET status = 'break'
        WHERE (provider, line_id) = (SELECT provider, line_id FROM read_models.reconciliation_lines WHERE status = 'matched' ORDER BY line_id LIMIT 1)
        RETURNING provider, line_id`,
    );
    const { rows: closed } = await db.pool.query<{ break_id: string; kind: string; line_id: string }>(
      `UPDATE read_models.reconciliation_breaks SET status = 'resolved'
        WHERE break_id = (SELECT break_id FROM read_models.reconciliation_breaks WHERE kind = 'amount_mismatch' AND status = 'open' ORDER BY break_id LIMIT 1)
        RETURNING break_id, kind, line_id`,
    );
    const differences = await verify();
    expect(differences).toEqual([
      {
        readModel: 'reconciliation_lines',
        key: `${rows[0].provider}|${rows[0].line_id}`,
        field: 'status',
        expected: 'matched',
        actual: 'break',
      },
      { readModel: 'reconciliation_breaks', key: `amount_mismatch|${closed[0].line_id}`, field: 'open', expected: '1', actual: '0' },
    ]);
  });
});
