import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { Writable } from 'node:stream';
import type { Pool } from 'pg';
import { PostgresEventStore } from '../../libs/event-store/src';
import { boundHeapGrowth, createPool } from '../../libs/platform/src';
import { PROJECTIONS, rebuildProjection } from '../../libs/projections/src';
import { runCli } from '../../apps/ledger-cli/src/cli';
import { benchDatabase } from './bench-db';

/**
 * `node --require ./test/support/swc-register.js test/bench/audit.bench.ts`
 * (BENCH_EVENTS, default 4,000,000: 1,000,000 payments of four events): seeds
 * the events with SQL, builds the read models (a rebuild of each projection),
 * then runs `ledger audit replay` and `ledger audit verify`, each in a process
 * of its own so that its peak RSS is its own. BENCH_STAGES=verify runs verify only. A BENCH_DATABASE_URL
 * that already holds events is taken as seeded and projected by an earlier run (BENCH_STAGES=none seeds only),
 * so the stages can be timed later on a quiet machine.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 4_000_000);
const STAGES = (process.env.BENCH_STAGES ?? 'replay,verify').split(',').filter((stage) => stage === 'replay' || stage === 'verify');
const CHUNK = 25_000;

const iso = (t: string) => `to_char((${t}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Four events per payment: created, processing, succeeded or failed, then a refund or a fraud flag. */
async function seed(pool: Pool, payments: number): Promise<void> {
  for (let from = 0; from < payments; from += CHUNK) {
    await pool.query(
      `WITH p AS (
         SELECT i, md5('bench' || i)::uuid::text AS id, CASE WHEN i % 2 = 0 THEN 'stripe' ELSE 'paystack' END AS provider,
                (ARRAY['USD','EUR','JPY','KWD','NGN'])[1 + i % 5] AS currency, 1000 + (i::bigint * 7919) % 100000 AS amount,
                timestamptz '2025-11-01' + i * interval '7 seconds' AS t, i % 4 <> 0 AS ok
           FROM generate_series($1::int, $2::int - 1) i)
       INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata)
       SELECT 'payment-' || id, rev, gen_random_uuid(),
              CASE rev WHEN 0 THEN 'PaymentCreated' WHEN 1 THEN 'PaymentProcessing'
                       WHEN 2 THEN CASE WHEN ok THEN 'PaymentSucceeded' ELSE 'PaymentFailed' END
                       ELSE CASE WHEN ok THEN 'PaymentRefunded' ELSE 'PaymentFraudFlagged' END END,
              CASE rev
                WHEN 0 THEN jsonb_build_object('paymentId', id, 'provider', provider, 'amount', amount, 'currency', currency, 'createdAt', ${iso('t')})
                WHEN 1 THEN jsonb_build_object('paymentId', id, 'startedAt', ${iso("t + interval '1 second'")})
                WHEN 2 THEN CASE WHEN ok
                  THEN jsonb_build_object('paymentId', id, 'amount', amount, 'currency', currency, 'providerPaymentId', 'pp_' || i,
                         'processingTimeMs', i % 3000, 'succeededAt', ${iso("t + interval '3 seconds'")})
                  ELSE jsonb_build_object('paymentId', id, 'errorCode', (ARRAY['card_declined','insufficient_funds','expired_card'])[1 + i % 3],
                         'failedAt', ${iso("t + interval '3 seconds'")}) END
                ELSE CASE WHEN ok
                  THEN jsonb_build_object('paymentId', id, 'refundId', 're_1', 'amount', amount / 2, 'currency', currency,
                         'totalRefunded', amount / 2, 'refundedAt', ${iso("t + interval '1 minute'")})
                  ELSE jsonb_build_object('paymentId', id, 'reason', 'velocity', 'flaggedAt', ${iso("t + interval '1 minute'")}) END
              END,
              jsonb_build_object('correlationId', gen_random_uuid(), 'actor', 'bench', 'schemaVersion', 1,
                                 'occurredAt', ${iso("t + rev * interval '1 second'")})
         FROM p CROSS JOIN generate_series(0, 3) AS r(rev)
        ORDER BY rev, i`,
      [from, Math.min(from + CHUNK, payments)],
    );
  }
}

async function project(pool: Pool, store: PostgresEventStore): Promise<void> {
  for (const name of Object.keys(PROJECTIONS)) await rebuildProjection(name, { pool, store });
}

/** The child: one CLI command in-process, its output discarded, its figures as one JSON line. */
async function stage(command: 'replay' | 'verify', url: string): Promise<void> {
  boundHeapGrowth(); // as the CLI's main does
  let bytes = 0;
  const out = new Writable({ write: (chunk, _e, done) => ((bytes += chunk.length), done()) });
  const started = process.hrtime.bigint();
  const code = await runCli(['audit', command], {
    stdout: (t) => void (bytes += t.length),
    stderr: (t) => void process.stderr.write(t),
    env: { DATABASE_URL: url },
    out,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage();
  const cpuSeconds = Math.round((cpu.user + cpu.system) / 1e5) / 10;
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `${JSON.stringify({
      command,
      code,
      events: EVENTS,
      payments: Math.ceil(EVENTS / 4),
      seconds: Math.round(seconds * 10) / 10,
      cpuSeconds,
      eventsPerSecond: Math.round(EVENTS / seconds),
      maxRssMiB,
      outputMiB: Math.round(bytes / 2 ** 20),
      load: loadavg()
        .map((l) => l.toFixed(2))
        .join(' / '),
    })}\n`,
  );
}

function inChild(command: string, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [command, url], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const pool = createPool(db.url, { max: 10 });
  const store = new PostgresEventStore(pool);
  try {
    const { rows } = await pool.query<{ seeded: boolean }>('SELECT EXISTS (SELECT 1 FROM event_store.events) AS seeded');
    if (rows[0].seeded) {
      console.log('the database already holds events: seeded and projected by an earlier run');
    } else {
      let t = Date.now();
      await seed(pool, Math.ceil(EVENTS / 4));
      console.log(`seeded ${EVENTS} events in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      t = Date.now();
      await project(pool, store);
      console.log(`projected them in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    for (const command of STAGES) await inChild(command, db.url);
  } finally {
    await pool.end();
    await db.stop();
  }
}

const [command, url] = process.argv.slice(2);
if (command === 'replay' || command === 'verify') void stage(command, url);
else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
