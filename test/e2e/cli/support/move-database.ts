import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { runMigrations, withDatabase } from '@ledger/platform';

/** Everything the ledger stores, as a restore would bring it over. */
const SCHEMAS = ['event_store', 'ledger', 'read_models', 'monitoring'];

export interface FreshServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** A freshly initialised embedded PostgreSQL server of its own (its transaction counter starts low), run by fresh-server.main.ts. */
export async function startFreshServer(): Promise<FreshServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-restore-'));
  chmodSync(dataDir, 0o755);
  const root = join(__dirname, '..', '..', '..', '..');
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'test/support/swc-register.js'), join(__dirname, 'fresh-server.main.ts'), dataDir],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  if (!child.stdout || !child.stderr) throw new Error('fresh server: no output pipes');
  const output = child.stdout;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const [line] = await Promise.race([
    once(createInterface({ input: output }), 'line') as Promise<[string]>,
    exited.then(() => Promise.reject(new Error(`fresh server did not start: ${stderr.trim()}`))),
  ]);
  return {
    url: (JSON.parse(line) as { url: string }).url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `n` tiny transactions, each of which takes an id, so this server's counter moves ahead. */
export async function burnTransactionIds(url: string, n: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // A DO block outside a transaction block may COMMIT: one round trip, n transactions.
    await client.query(`DO $$ BEGIN FOR i IN 1..${n} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`);
  } finally {
    await client.end();
  }
}

export async function nextTransactionId(url: string): Promise<bigint> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ x: string }>(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`);
    return BigInt(rows[0].x);
  } finally {
    await client.end();
  }
}

/**
 * Moves database `from` into a new database on `server` the way a restore does: the schema from the
 * migrations, then every row of every table in the ledger's schemas (and the migrations table) copied
 * as stored, identity values and sequences included, with triggers off during the load as pg_restore
 * --disable-triggers has them. The machine's pg_dump (15) refuses the embedded server (18), so no dump.
 */
export async function moveDatabase(fromUrl: string, server: FreshServer, name: string): Promise<string> {
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const toUrl = withDatabase(server.url, name);
  await runMigrations(toUrl);
  const from = new Client({ connectionString: fromUrl });
  const to = new Client({ connectionString: toUrl });
  await Promise.all([from.connect(), to.connect()]);
  try {
    // One snapshot of the source, as pg_dump takes.
    await from.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: tables } = await from.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname = ANY($1) OR (schemaname = 'public' AND tablename = 'migrations') ORDER BY 1`,
      [SCHEMAS],
    );
    await to.query('BEGIN');
    await to.query(`SET LOCAL session_replication_role = replica`);
    await to.query(`TRUNCATE ${tables.map((t) => t.name).join(', ')}`);
    for (const { name: table } of tables) {
      const { rows } = await from.query<{ rows: unknown }>(`SELECT coalesce(json_agg(t), '[]') AS rows FROM ${table} t`);
      await to.query(`INSERT INTO ${table} OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [
        JSON.stringify(rows[0].rows),
      ]);
    }
    const { rows: sequences } = await from.query<{ name: string; value: string | null; called: boolean }>(
      `SELECT format('%I.%I', schemaname, sequencename) AS name, last_value::text AS value, last_value IS NOT NULL AS called
         FROM pg_sequences WHERE schemaname = ANY($1)`,
      [SCHEMAS],
    );
    for (const s of sequences) if (s.value !== null) await to.query(`SELECT setval($1, $2::bigint, true)`, [s.name, s.value]);
    await to.query('COMMIT');
    await from.query('COMMIT');
  } finally {
    await Promise.all([from.end(), to.end()]);
  }
  return toUrl;
}
