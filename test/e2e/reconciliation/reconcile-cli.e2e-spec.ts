import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@ledger/event-store';
import { reconciliationProjection } from '@ledger/reconciliation';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { generateMonth } from '../../../libs/reconciliation/src/testing/generate-month';
import { insertEvents, projectAll } from '../../../libs/reconciliation/src/testing/project-all';
import { GOOD_SECRETS, ledger } from '../cli/support/cli';

describe('ledger reconcile (CONTRACT.md › Reconciliation, CLI)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let env: NodeJS.ProcessEnv;
  const month = generateMonth({ payments: 400, plantedPerKind: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'reconcile-'));
  const csv = join(dir, 'itemized.csv');
  const json = join(dir, 'settlements.json');

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    env = { DATABASE_URL: db.url };
    await insertEvents(db.pool, [...month.paymentEvents, ...month.payoutStatusEvents]);
    writeFileSync(csv, month.stripeCsv);
    writeFileSync(json, JSON.stringify(month.paystackJson));
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('imports a file (again: newLines 0), lists the breaks and resolves one', async () => {
    const first = await ledger(['reconcile', 'import', '--provider', 'stripe', '--file', csv], env);
    expect(first.code).toBe(0);
    const imported = JSON.parse(first.stdout) as { lines: number; newLines: number };
    expect(imported.newLines).toBe(imported.lines);
    const again = await ledger(['reconcile', 'import', '--provider', 'stripe', '--file', csv], env);
    expect(JSON.parse(again.stdout)).toEqual(expect.objectContaining({ lines: imported.lines, newLines: 0 }));
    expect((await ledger(['reconcile', 'import', '--provider', 'paystack', '--file', json], env)).code).toBe(0);
    expect((await ledger(['reconcile', 'import', '--provider', 'stripe', '--file', json], env)).code).toBe(1);
    await projectAll(db.pool, store, reconciliationProjection());

    const listed = await ledger(['reconcile', 'breaks', '--format', 'ndjson'], env);
    expect(listed.code).toBe(0);
    const breaks = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { breakId: string; kind: string; provider: string });
    expect(new Set(breaks.map((b) => b.kind))).toEqual(
      new Set([
        'unknown_to_ledger',
        'amount_mismatch',
        'currency_mismatch',
        'missing_from_payout',
        'payout_sum_mismatch',
        'duplicate_line',
      ]),
    );

    const target = breaks[0];
    const resolved = await ledger(
      ['reconcile', 'resolve', target.breakId, '--account', `suspense:${target.provider}`, '--note', 'kept for next month'],
      env,
    );
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.stdout)).toEqual(
      expect.objectContaining({ breakId: target.breakId, status: 'resolved', actor: expect.stringMatching(/^cli:/) }),
    );
    expect(
      (await ledger(['reconcile', 'resolve', target.breakId, '--account', `suspense:${target.provider}`, '--note', 'twice'], env)).code,
    ).toBe(1);
  });

  it('ledger audit report shows the reconciled share, fees and open breaks per provider and currency', async () => {
    const output = join(dir, 'audit.md');
    await ledger(['audit', 'report', '--days', '3650', '--output', output], { ...env, LOG_DIR: dir, ...GOOD_SECRETS });
    const text = readFileSync(output, 'utf8');
    expect(text).toMatch(
      /settlement reconciliation stripe USD \| stripe USD: reconciled share 0\.\d+ of USD [\d.,]+, fees USD [\d.,]+ \(effective rate 0\.\d+\), \d+ open breaks, the oldest \d+ s old/,
    );
    expect(text).toMatch(/settlement reconciliation paystack NGN/);
  });
});
