import { createTestDatabase, type TestDatabase } from '@ledger/testing';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** Runs `sql` as ledger_app in a transaction that is rolled back; the error's message, or undefined. */
async function asApp(sql: string): Promise<string | undefined> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL ROLE ledger_app');
    await client.query(sql);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('the ledger_app role', () => {
  it('owns nothing in the database', async () => {
    const { rows } = await db.pool.query(
      `SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'ledger_app'
       UNION ALL SELECT p.proname FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname = 'ledger_app'
       UNION ALL SELECT n.nspname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE r.rolname = 'ledger_app'`,
    );
    expect(rows).toEqual([]);
  });

  it('cannot disable or drop the append-only trigger, nor change or delete events', async () => {
    expect(await asApp(`ALTER TABLE event_store.events DISABLE TRIGGER events_append_only`)).toMatch(/must be owner/);
    expect(await asApp(`ALTER TABLE event_store.events DISABLE TRIGGER ALL`)).toMatch(/must be owner/);
    expect(await asApp(`DROP TRIGGER events_append_only ON event_store.events`)).toMatch(/must be owner/);
    expect(
      await asApp(
        `CREATE OR REPLACE FUNCTION event_store.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
      ),
    ).toMatch(/must be owner|permission denied for schema/);
    expect(await asApp(`UPDATE event_store.events SET data = '{}'`)).toMatch(/permission denied/);
    expect(await asApp(`DELETE FROM event_store.events`)).toMatch(/permission denied/);
    expect(await asApp(`TRUNCATE event_store.events`)).toMatch(/permission denied/);
    expect(await asApp(`SET session_replication_role = replica`)).toMatch(/permission denied/);
  });

  it('can do what the apps do: read events, write the ledger, read models and monitoring tables', async () => {
    expect(await asApp(`SELECT count(*) FROM event_store.events`)).toBeUndefined();
    expect(await asApp(`SELECT * FROM event_store.append_events('payment-role-test', 'no_stream', '[]'::jsonb)`)).toBeUndefined();
    expect(
      await asApp(`INSERT INTO ledger.api_keys (id, name, scopes, secret_hash) VALUES ('role-test-id', 'n', '{admin}', 'h')`),
    ).toBeUndefined();
    expect(await asApp(`DELETE FROM ledger.webhook_deliveries`)).toBeUndefined();
    expect(await asApp(`DELETE FROM monitoring.alerts`)).toBeUndefined();
    expect(await asApp(`SELECT * FROM public.migrations`)).toBeUndefined();
    expect(await asApp(`INSERT INTO public.migrations (timestamp, name) VALUES (1, 'x')`)).toMatch(/permission denied/);
  });
});
