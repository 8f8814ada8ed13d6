import { PostgresEventStore } from '@ledger/event-store';
import { currencyExponent } from '@ledger/payments-domain';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { ledger, project } from '../cli/support/cli';
import { appendWorkload } from '../projections/support/workload';

/** Major units with a decimal point ("19.99") back to minor units, by the currency's exponent: what an accountant's import reads. */
function minorOf(major: string, currency: string): bigint {
  if (major === '') return 0n;
  const exponent = currencyExponent(currency);
  const [whole, fraction = ''] = major.split('.');
  expect(fraction.length).toBe(exponent);
  return BigInt(whole + fraction);
}

/** A minimal CSV reader (quoted cells with doubled quotes), enough to re-import the export. */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) =>
      [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')),
    );
}

describe('Books: API and CLI', () => {
  let api: ApiHarness;
  let store: PostgresEventStore;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    api = await startApiHarness();
    store = new PostgresEventStore(api.db.pool, { pollIntervalMs: 10 });
    await appendWorkload(store, { payments: 150, seed: 31, start: new Date('2025-11-27T00:00:00Z') });
    await project(api.db.pool, store);
    env = { DATABASE_URL: api.db.url };
  }, 120_000);

  afterAll(() => api.close());

  it('answers balances to books:read only, with sums as decimal strings and the contract shape', async () => {
    expect((await call(api, 'GET', '/v1/books/balances', { key: api.keys['dashboard:read'] })).status).toBe(403);
    expect((await call(api, 'GET', '/v1/books/balances')).status).toBe(401);
    const res = await call(api, 'GET', '/v1/books/balances', { key: api.keys['books:read'] });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    for (const row of res.body) {
      expect(Object.keys(row).sort()).toEqual(['account', 'balance', 'credits', 'currency', 'debits', 'type']);
      expect(row.debits).toMatch(/^\d+$/);
      expect(row.balance).toMatch(/^-?\d+$/);
    }
    expect(res.body.map((r: { account: string }) => r.account)).toContain('revenue:sales');
  });

  it.each([
    ['asOf=yesterday', 'asOf'],
    ['asOf=2026-02-30', 'asOf'],
    ['knownAt=2026-01-01T10:00:00', 'knownAt'],
    ['currency=usd', 'currency'],
    ['currency=XXX1', 'currency'],
    ['nope=1', 'nope'],
  ])('refuses %s with 400 validation_failed naming the field', async (params, field) => {
    const res = await call(api, 'GET', `/v1/books/balances?${params}`, { key: api.keys['books:read'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details[0].path).toBe(field);
  });

  it('has a trial balance whose difference is 0 in every currency', async () => {
    const res = await call(api, 'GET', '/v1/books/trial-balance', { key: api.keys['books:read'] });
    expect(res.status).toBe(200);
    expect(res.body.currencies.length).toBeGreaterThan(1);
    for (const c of res.body.currencies) expect(c.difference).toBe('0');
  });

  it('answers as of a moment on each clock: before the first event nothing, after it everything', async () => {
    const before = await call(api, 'GET', '/v1/books/balances?asOf=2025-11-01', { key: api.keys['books:read'] });
    expect(before.body).toEqual([]);
    const knownBefore = await call(api, 'GET', '/v1/books/balances?knownAt=2000-01-01T00:00:00Z', { key: api.keys['books:read'] });
    expect(knownBefore.body).toEqual([]);
    const now = await call(api, 'GET', '/v1/books/balances', { key: api.keys['books:read'] });
    const later = await call(api, 'GET', '/v1/books/balances?asOf=2030-01-01&knownAt=2030-01-01', { key: api.keys['books:read'] });
    expect(later.body).toEqual(now.body);
  });

  it('pages the journal with a cursor, each entry balanced per currency', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const res = await call(api, 'GET', `/v1/books/journal?limit=50${q}`, { key: api.keys['books:read'] });
      expect(res.status).toBe(200);
      for (const entry of res.body.entries) {
        expect(seen.has(entry.entryId)).toBe(false);
        seen.add(entry.entryId);
        const sums = new Map<string, number>();
        for (const l of entry.lines) sums.set(l.currency, (sums.get(l.currency) ?? 0) + l.debit - l.credit);
        expect([...sums.values()].every((v) => v === 0)).toBe(true);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    const { rows } = await api.db.pool.query(`SELECT count(*)::int AS n FROM books.journal_entries`);
    expect(seen.size).toBe(rows[0].n);
    expect((await call(api, 'GET', '/v1/books/journal?cursor=bogus', { key: api.keys['books:read'] })).status).toBe(400);
  });

  it("exports a month's journal as CSV whose re-import sums to that month's trial balance", async () => {
    const run = await ledger(['books', 'journal', '--from', '2025-11-01', '--to', '2025-12-01', '--format', 'csv'], env);
    expect(run.code).toBe(0);
    const [header, ...rows] = parseCsv(run.stdout);
    expect(header).toEqual(['date', 'entry', 'account', 'debit', 'credit', 'currency', 'payment', 'memo']);
    expect(rows.length).toBeGreaterThan(0);
    const imported = new Map<string, bigint>();
    for (const [date, , account, debit, credit, currency] of rows) {
      expect(date.startsWith('2025-11')).toBe(true);
      const key = `${account}|${currency}`;
      imported.set(key, (imported.get(key) ?? 0n) + minorOf(debit, currency) - minorOf(credit, currency));
    }
    // The month's trial balance: the balances at its end less those at its start, debits − credits per account.
    const trial = async (asOf: string) =>
      (await call(api, 'GET', `/v1/books/trial-balance?asOf=${asOf}`, { key: api.keys['books:read'] })).body.accounts as {
        account: string;
        currency: string;
        debits: string;
        credits: string;
      }[];
    const [end, start] = await Promise.all([trial('2025-11-30'), trial('2025-10-31')]);
    const month = new Map<string, bigint>();
    for (const r of end) month.set(`${r.account}|${r.currency}`, BigInt(r.debits) - BigInt(r.credits));
    for (const r of start)
      month.set(`${r.account}|${r.currency}`, (month.get(`${r.account}|${r.currency}`) ?? 0n) - BigInt(r.debits) + BigInt(r.credits));
    for (const [key, value] of month) if (value === 0n && !imported.has(key)) month.delete(key);
    expect(imported).toEqual(month);
    // And the export of December holds the rest (the workload spills over the month's end).
    const december = await ledger(['books', 'journal', '--from', '2025-12-01', '--to', '2026-01-01', '--format', 'ndjson'], env);
    expect(december.code).toBe(0);
  });

  it('closes a period once: 0 closed, 1 refused when already closed or not over, 2 when the database is unreachable', async () => {
    const first = await ledger(['books', 'close', '2025-11'], env);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^closed 2025-11: \d+ entries, \d+ lines, covered \d+\/\d+, journal sha256 [0-9a-f]{64}\n$/);
    const again = await ledger(['books', 'close', '2025-11'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already closed');
    const future = await ledger(['books', 'close', '2099-01'], env);
    expect(future.code).toBe(1);
    expect(future.stderr).toContain('not over');
    const [close] = await store.readStream('books-periods');
    expect(close.type).toBe('BooksPeriodClosed');
    expect((close.data as { balances: unknown[] }).balances.length).toBeGreaterThan(0);
    const unreachable = await ledger(['books', 'balances'], { DATABASE_URL: 'postgres://ledger@127.0.0.1:1/ledger' });
    expect(unreachable.code).toBe(2);
  });

  it('ledger audit verify recomputes the journal with its own code: clean, then a tampered line and a tampered close are differences', async () => {
    const clean = await ledger(['audit', 'verify'], env);
    expect(clean.stderr).not.toContain('books');
    expect(clean.code).toBe(0);
    const { rows } = await api.db.pool.query(
      `UPDATE books.journal_lines SET debit = debit + 1 WHERE (entry_id, line_no) = (SELECT entry_id, line_no FROM books.journal_lines WHERE debit > 0 AND period = '2025-11' LIMIT 1) RETURNING entry_id`,
    );
    const tampered = await ledger(['audit', 'verify'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout + tampered.stderr).toContain(rows[0].entry_id);
    expect(tampered.stdout + tampered.stderr).toMatch(/trial balance|difference/);
    expect(tampered.stdout + tampered.stderr).toContain('journalHash');
  });
});
