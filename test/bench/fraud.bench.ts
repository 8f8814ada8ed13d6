/**
 * `npm run bench:fraud`: the fraud-velocity process manager (issue 30).
 *
 * 1. Rebuild from zero (batches of BENCH_BATCH, 1,000): BENCH_EVENTS (1,000,000) events of payments whose creation carries sealed risk signals
 *    (BENCH_CUSTOMERS customers, each with a data key of its own, their cards and addresses), written straight
 *    into the PostgreSQL store; then a manager from an empty state, timed until its checkpoint holds them all.
 * 2. Lag at a command rate: commands appended through the PaymentCommandRunner at BENCH_RATE per second (open
 *    loop; default 685, the API's measured ceiling of the day in commands: 805 requests/s at 32 connections, ~85 %
 *    commands) for BENCH_SECONDS, with the manager and its relay on a CommandBus running; an event's lag is from
 *    its append returning to the manager's committed checkpoint covering it (polled every 5 ms).
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore } from '../../libs/event-store/src';
import { FlagRelay, FraudManager, RiskTokens } from '../../libs/fraud/src';
import { PaymentCommandRunner } from '../../libs/payments-app/src';
import { parseFraudRules } from '../../libs/platform/src';
import { DataKeyStore, PersonalDataCipher, dataKeyOwner, parseMasterKey, type DataKey } from '../../libs/security/src';
import { createFlagBus } from '../../apps/projector/src/fraud-velocity';
import { benchDatabase, percentile } from './bench-db';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 5_000);
const RATE = Number(process.env.BENCH_RATE ?? 685);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const T0 = Date.parse('2026-11-01T00:00:00Z');
const rules = parseFraudRules('');

async function generate(pool: Pool, keys: DataKeyStore): Promise<void> {
  const cached = new Map<string, Promise<DataKey>>();
  const memo = { keyFor: (owner: string) => cached.get(owner) ?? (cached.set(owner, keys.keyFor(owner)), cached.get(owner)!) };
  const tokens = new RiskTokens(memo);
  const cipher = new PersonalDataCipher({ keyFor: memo.keyFor, find: (id) => keys.find(id) });
  const seals = new Map<number, (v: unknown) => string>();
  for (let c = 0; c < CUSTOMERS; c++) seals.set(c, await cipher.sealerFor(dataKeyOwner({ customerId: `cus_${c}`, paymentId: '' })));
  const payments = Math.ceil(EVENTS / 4);
  const chunk = 10_000;
  for (let from = 0; from < payments; from += chunk) {
    const cols: string[][] = [[], [], [], [], [], []];
    const push = (stream: string, rev: number, type: string, data: object, at: number) => {
      cols[0].push(stream);
      cols[1].push(String(rev));
      cols[2].push(randomUUID());
      cols[3].push(type);
      cols[4].push(JSON.stringify(data));
      cols[5].push(JSON.stringify({ actor: 'key_bench', correlationId: stream, schemaVersion: 2, occurredAt: new Date(at).toISOString() }));
    };
    for (let n = from; n < Math.min(from + chunk, payments); n++) {
      const c = (n * 7919) % CUSTOMERS;
      const paymentId = `p${n}`;
      const stream = `payment-${paymentId}`;
      const at = T0 + Math.floor((n / payments) * 30 * 86_400_000);
      const risk = await tokens.riskOf({
        ipAddress: `10.${c % 200}.${Math.floor(c / 200) % 250}.${n % 3}`,
        ipCountry: 'NG',
        cardFingerprint: `fp_${c}_${n % 2}`,
        cardCountry: n % 50 === 0 ? 'US' : 'NG',
        email: `c${c}@example.com`,
      });
      const amount = 1000 + ((n * 31) % 5000);
      push(
        stream,
        0,
        'PaymentCreated',
        {
          paymentId,
          provider: 'stripe',
          amount,
          currency: 'USD',
          customerId: `cus_${c}`,
          risk: seals.get(c)!(risk),
          createdAt: new Date(at).toISOString(),
        },
        at,
      );
      push(stream, 1, 'PaymentProcessing', { paymentId, startedAt: new Date(at + 1000).toISOString() }, at + 1000);
      if (n % 10 === 0)
        push(stream, 2, 'PaymentFailed', { paymentId, errorCode: 'card_declined', failedAt: new Date(at + 2000).toISOString() }, at + 2000);
      else {
        push(
          stream,
          2,
          'PaymentSucceeded',
          { paymentId, amount, currency: 'USD', succeededAt: new Date(at + 2000).toISOString() },
          at + 2000,
        );
        push(
          stream,
          3,
          'PaymentRefunded',
          { paymentId, refundId: 're_1', amount: 1, currency: 'USD', totalRefunded: 1, refundedAt: new Date(at + 3600_000).toISOString() },
          at + 3600_000,
        );
      }
    }
    await pool.query(
      `INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata)
       SELECT s, r, e::uuid, t, d::jsonb, m::jsonb FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(s, r, e, t, d, m)`,
      cols,
    );
  }
}

async function rebuild(
  pool: Pool,
  store: PostgresEventStore,
  cipher: PersonalDataCipher,
): Promise<{ events: number; seconds: number; manager: FraudManager }> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events`);
  const total = Number(rows[0].n);
  const manager = new FraudManager({
    pool,
    store,
    rules,
    personalData: cipher,
    batchSize: Number(process.env.BENCH_BATCH ?? 1000),
    standbyPollMs: 50,
  });
  const started = performance.now();
  void manager.run();
  for (;;) {
    const cp = await pool.query<{ n: string }>(`SELECT events_applied AS n FROM fraud.checkpoint`);
    if (cp.rows.length > 0 && Number(cp.rows[0].n) >= total) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { events: total, seconds: (performance.now() - started) / 1000, manager };
}

async function lagAtRate(
  pool: Pool,
  store: PostgresEventStore,
  cipher: PersonalDataCipher,
): Promise<{ achieved: number; p50: number; p99: number; max: number; flags: number }> {
  const runner = new PaymentCommandRunner(store, { personalData: cipher });
  const tokens = new RiskTokens(cipher.keys);
  const appended: { commit: bigint; at: number }[] = [];
  const lags: number[] = [];
  let stop = false;
  const poller = (async () => {
    let next = 0;
    while (!stop || next < appended.length) {
      const { rows } = await pool.query<{ c: string }>(`SELECT commit_position AS c FROM fraud.checkpoint`);
      const now = performance.now();
      const cp = BigInt(rows[0].c);
      while (next < appended.length && appended[next].commit <= cp) lags.push(now - appended[next++].at);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const ctx = { actor: 'bench', correlationId: 'b', causationId: 'b' };
  const started = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  while (performance.now() - started < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * RATE);
    for (; sent < due; sent++) {
      const n = sent;
      const task = (async () => {
        // A card-testing burst every 500 commands (a few cards failing fast), the rest ordinary payments.
        const burst = n % 500 < 6;
        const paymentId = `live_${n}`;
        const risk = await tokens.riskOf({
          ipAddress: `192.0.2.${n % 250}`,
          cardFingerprint: burst ? `fp_burst_${Math.floor(n / 500)}` : `fp_live_${n}`,
        });
        const at = new Date();
        const outcome = await runner.run(
          {
            type: 'CreatePayment',
            data: { paymentId, provider: 'stripe', amount: 1500, currency: 'USD', customerId: `cus_live_${n % 1000}`, risk },
            now: at,
          },
          ctx,
        );
        void outcome;
        const head = await store.headPosition();
        if (head) appended.push({ commit: head.commit, at: performance.now() });
        if (burst) {
          await runner.run({ type: 'StartProcessing', data: { paymentId }, now: at }, ctx);
          await runner.run({ type: 'MarkPaymentFailed', data: { paymentId, errorCode: 'card_declined' }, now: at }, ctx);
        }
      })();
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inFlight);
  const achieved = sent / ((performance.now() - started) / 1000);
  appended.sort((a, b) => (a.commit < b.commit ? -1 : 1));
  stop = true;
  await poller;
  lags.sort((a, b) => a - b);
  const flags = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM fraud.outbox WHERE command_id LIKE 'fraud:card_failures:live_%'`,
  );
  return {
    achieved,
    p50: percentile(lags, 50) / 1000,
    p99: percentile(lags, 99) / 1000,
    max: (lags[lags.length - 1] ?? 0) / 1000,
    flags: flags.rows[0].n,
  };
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 24 });
  const keys = new DataKeyStore(pool, parseMasterKey('k1:bench-fraud-velocity-master-key-0123456789'));
  const cipher = new PersonalDataCipher(keys);
  const store = new PostgresEventStore(pool, { pollIntervalMs: 5 });
  try {
    const g = performance.now();
    await generate(pool, keys);
    console.log(`generated ${EVENTS} events (${CUSTOMERS} customers) in ${((performance.now() - g) / 1000).toFixed(1)} s`);
    const r = await rebuild(pool, store, cipher);
    console.log(`rebuild from zero: ${r.events} events in ${r.seconds.toFixed(1)} s = ${Math.round(r.events / r.seconds)} events/s`);
    const { bus, close } = await createFlagBus(store, cipher);
    const relay = new FlagRelay(pool, bus, { pollMs: 50 });
    relay.setActive(true);
    const lag = await lagAtRate(pool, store, cipher);
    console.log(
      `live: ${Math.round(lag.achieved)} commands/s offered (target ${RATE}), lag p50 ${lag.p50.toFixed(3)} s, p99 ${lag.p99.toFixed(3)} s, max ${lag.max.toFixed(3)} s; ${lag.flags} card_failures flags decided`,
    );
    await r.manager.stop();
    await relay.stop();
    await close();
  } finally {
    await pool.end();
    await db.stop();
  }
}

void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
