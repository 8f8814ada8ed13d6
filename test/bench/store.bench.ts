import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { cpus } from 'node:os';
import type { Pool } from 'pg';
import { EventStoreDbEventStore, PostgresEventStore, type EventStore } from '../../libs/event-store/src';
import { createPool } from '../../libs/platform/src';
import { benchDatabase } from './bench-db';
import { emmettAppender, installEmmettPeer, peerDatabase, requestedPeer, type EmmettAppender } from './peers/emmett-peer';

/**
 * `npm run bench:store`: event-store appends against raw INSERTs of the same
 * rows into a plain table of the same database, at the same concurrency.
 * With EVENTSTORE_CONNECTION_STRING set (opt-in), the same writers and batches
 * also append to that EventStoreDB, in the same alternating rounds, to `bench-`
 * streams: a projector on that server must not take them for payments.
 * With `-- --peer emmett`, Emmett's PostgreSQL event store too (test/bench/peers/emmett-peer.ts).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Raw and store runs alternate, so checkpoints and table growth fall on both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EVENTS_PER_PAYMENT = 5;

const payload = (i: number) => ({ paymentId: `p-${i}`, amount: 1999 + i, currency: 'USD', provider: 'stripe' });
const meta = { actor: 'bench', correlationId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() };

async function runFor(writers: number, work: (writer: number, i: number) => Promise<number>): Promise<number> {
  const deadline = Date.now() + SECONDS * 1000;
  let events = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) {
        // Not `events += await …`: that reads `events` before the await and loses concurrent increments.
        const appended = await work(w, i);
        events += appended;
      }
    }),
  );
  return events / ((Date.now() - started) / 1000);
}

function storeWork(store: EventStore, run: string, batch: number, prefix = 'payment-') {
  return async (w: number, i: number) => {
    const events = Array.from({ length: batch }, (_, k) => ({
      eventId: randomUUID(),
      type: 'PaymentCreated',
      data: payload(i * batch + k),
      metadata: meta,
    }));
    if (batch > 1) {
      await store.appendToStream(`${prefix}${run}-${w}-${i}`, events, 'no_stream');
    } else {
      const stream = `${prefix}${run}-${w}-${Math.floor(i / EVENTS_PER_PAYMENT)}`;
      const revision = i % EVENTS_PER_PAYMENT;
      await store.appendToStream(stream, events, revision === 0 ? 'no_stream' : BigInt(revision - 1));
    }
    return batch;
  };
}

/** The same events and stream shapes through Emmett's store (stream positions count from 1: expect the events so far). */
function emmettWork(emmett: EmmettAppender, run: string, batch: number) {
  return async (w: number, i: number) => {
    const events = Array.from({ length: batch }, (_, k) => ({ type: 'PaymentCreated', data: payload(i * batch + k), metadata: meta }));
    if (batch > 1) await emmett.append(`payment-${run}-${w}-${i}`, events, 0n);
    else await emmett.append(`payment-${run}-${w}-${Math.floor(i / EVENTS_PER_PAYMENT)}`, events, BigInt(i % EVENTS_PER_PAYMENT));
    return batch;
  };
}

function rawWork(pool: Pool, run: string, batch: number) {
  return async (w: number, i: number) => {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let k = 0; k < batch; k++) {
      const o = values.length;
      rows.push(`($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}::jsonb, $${o + 6}::jsonb)`);
      values.push(
        `payment-${run}-${w}-${i}`,
        k,
        randomUUID(),
        'PaymentCreated',
        JSON.stringify(payload(i * batch + k)),
        JSON.stringify(meta),
      );
    }
    await pool.query(`INSERT INTO bench_raw (stream_id, revision, event_id, event_type, data, metadata) VALUES ${rows.join(',')}`, values);
    return batch;
  };
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const pool = createPool(db.url, { max: 40 });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_raw (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, revision bigint NOT NULL,
    event_id uuid NOT NULL UNIQUE, event_type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, revision))`);
  const store = new PostgresEventStore(pool);
  const esdbConnection = process.env.EVENTSTORE_CONNECTION_STRING;
  const esdb = esdbConnection ? EventStoreDbEventStore.fromConnectionString(esdbConnection) : undefined;
  // --peer emmett: Emmett's PostgreSQL store, same pool size, in a database of its own on the same server.
  if (requestedPeer()) installEmmettPeer();
  const emmett = requestedPeer() ? await emmettAppender(await peerDatabase(db.url, 'bench_emmett_store'), 40) : undefined;
  const cases = [
    { label: '1 writer, 1 event/tx', writers: 1, batch: 1 },
    { label: '8 writers, 1 event/tx', writers: 8, batch: 1 },
    { label: '32 writers, 1 event/tx', writers: 32, batch: 1 },
    { label: '8 writers, 100 events/tx', writers: 8, batch: 100 },
  ];
  console.log(
    `bench:store — ${cpus().length} cores, ${ROUNDS} alternating rounds of ${SECONDS}s per case, PostgreSQL ${(await pool.query('SHOW server_version')).rows[0].server_version}, fsync ${(await pool.query('SHOW fsync')).rows[0].fsync}`,
  );
  if (esdb) console.log(`EventStoreDB at ${esdb.target}: ${await esdbVersion(esdb, esdbConnection!)}`);
  const extraHeads = `${esdb ? ' EventStoreDB events/s | EventStoreDB / store |' : ''}${emmett ? ' Emmett 0.42 store events/s | store / Emmett |' : ''}`;
  console.log(`| case | store events/s | raw INSERT events/s | ratio |${extraHeads}`);
  console.log(`|---|---:|---:|---:|${esdb ? '---:|---:|' : ''}${emmett ? '---:|---:|' : ''}`);
  for (const c of cases) {
    let raw = 0;
    let appended = 0;
    let onEsdb = 0;
    let peer = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const run = randomUUID().slice(0, 8);
      raw += (await runFor(c.writers, rawWork(pool, run, c.batch))) / ROUNDS;
      appended += (await runFor(c.writers, storeWork(store, run, c.batch))) / ROUNDS;
      if (esdb) onEsdb += (await runFor(c.writers, storeWork(esdb, run, c.batch, 'bench-'))) / ROUNDS;
      if (emmett) peer += (await runFor(c.writers, emmettWork(emmett, run, c.batch))) / ROUNDS;
    }
    const esdbCells = esdb ? ` ${onEsdb.toFixed(0)} | ${((onEsdb / appended) * 100).toFixed(0)} % |` : '';
    const versus = emmett ? ` ${peer.toFixed(0)} | ${(appended / peer).toFixed(2)}× |` : '';
    console.log(
      `| ${c.label} | ${appended.toFixed(0)} | ${raw.toFixed(0)} | ${((appended / raw) * 100).toFixed(0)} % |${esdbCells}${versus}`,
    );
  }
  await esdb?.close();
  await emmett?.close();
  await pool.end();
  await db.stop();
}

/**
 * The server's version (/info) and, for a cluster, its members and write concern (/gossip): over
 * HTTPS with the connection string's tlsCAFile when TLS is on.
 */
async function esdbVersion(store: EventStoreDbEventStore, connectionString: string): Promise<string> {
  const tls = !/tls=false/i.test(connectionString);
  const caFile = /[?&]tlsCAFile=([^&]+)/i.exec(connectionString)?.[1];
  const get = (path: string) =>
    new Promise<unknown>((resolve, reject) => {
      const [host, port] = store.target.split(',')[0].split(':');
      const options = { host, port: Number(port), path, timeout: 5_000, ca: caFile ? readFileSync(decodeURIComponent(caFile)) : undefined };
      const req = (tls ? httpsRequest : httpRequest)(options, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (error) {
            reject(error);
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  try {
    const info = (await get('/info')) as { esVersion?: string };
    const gossip = (await get('/gossip').catch(() => undefined)) as { members?: { isAlive: boolean; state: string }[] } | undefined;
    const members = gossip?.members?.filter((m) => m.isAlive) ?? [];
    const cluster =
      members.length > 1
        ? `, a ${members.length}-node cluster (${members.map((m) => m.state).join(', ')}): an append is acknowledged once a majority ` +
          `(${Math.floor(members.length / 2) + 1} of ${members.length}) of the nodes have written it to disk, the client writing to the leader`
        : ', a single node: an append is acknowledged once written to its disk';
    return `server ${info.esVersion ?? 'unknown'}${tls ? ', TLS' : ''}${cluster}`;
  } catch {
    return 'version not read';
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
