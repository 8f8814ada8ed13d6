import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { ALERT_JOB_NAME, type AlertPayload } from '../alerts/alert';
import { alertJobOptions, type AlertQueue } from '../queue/alert-queue';

export interface OutboxRelayOptions {
  readonly batchSize?: number;
  readonly intervalMs?: number;
  /** A queue add that takes longer counts as Redis being down; the rows stay for the next pass. */
  readonly addTimeoutMs?: number;
  readonly jobOptions?: Parameters<typeof alertJobOptions>[0];
  readonly logger?: Pick<Logger, 'warn' | 'info'>;
}

/** One relay pass at a time across every worker. */
const RELAY_LOCK = 'monitoring:outbox-relay';

/**
 * Moves outbox rows into BullMQ: read, added with jobId = job_id, then marked
 * relayed. Passes are serialised by a session-level advisory lock, never by row
 * locks in an open transaction: a row lock gives the transaction an id, and
 * holding one while Redis hangs would hold every projector's read horizon.
 * A crash after the add and before the mark leaves rows unrelayed: the next
 * pass adds them again and BullMQ ignores an existing job id, so nothing is
 * lost or doubled.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = true;
  private failing = false;

  constructor(
    private readonly pool: Pool,
    private readonly queue: AlertQueue,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  /** One pass; returns how many rows were relayed (0 when Redis is unavailable or another relay holds the pass). */
  async relayOnce(): Promise<number> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // PostgreSQL down or restarting: the rows wait in the outbox, the next pass tries again.
      this.failed(error);
      return 0;
    }
    let locked = false;
    let broken: Error | undefined;
    // A session the server ends mid-pass is reported by the failing query; unheard, its 'error' event would crash the worker.
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      const {
        rows: [lock],
      } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [RELAY_LOCK]);
      if (!lock.ok) return 0;
      locked = true;
      const { rows } = await client.query<{ id: string; job_id: string; payload: AlertPayload }>(
        `SELECT id, job_id, payload FROM monitoring.alert_outbox WHERE relayed_at IS NULL ORDER BY id LIMIT $1`,
        [this.options.batchSize ?? 100],
      );
      if (rows.length > 0) {
        const opts = alertJobOptions(this.options.jobOptions);
        await this.withTimeout(
          this.queue.addBulk(rows.map((r) => ({ name: ALERT_JOB_NAME, data: r.payload, opts: { ...opts, jobId: r.job_id } }))),
        );
        await client.query(`UPDATE monitoring.alert_outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      }
      this.recovered();
      return rows.length;
    } catch (error) {
      this.failed(error);
      return 0;
    } finally {
      if (locked) await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [RELAY_LOCK]).catch((e: Error) => (broken = e));
      client.off('error', ignore);
      // A session that could not unlock still holds the lock: destroy it rather than return it to the pool.
      client.release(broken);
    }
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.drain();
      await this.running;
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.options.intervalMs ?? 500);
    };
    void loop();
  }

  /** Finishes the pass in hand; unrelayed rows wait in the outbox for the next process. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.relayOnce()) === (this.options.batchSize ?? 100));
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    const ms = this.options.addTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`queue add timed out after ${ms} ms`)), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private failed(error: unknown): void {
    if (!this.failing)
      this.options.logger?.warn({ err: (error as Error).message }, 'alert relay: queue or database unavailable, alerts wait in the outbox');
    this.failing = true;
  }

  private recovered(): void {
    if (this.failing) this.options.logger?.info('alert relay: queue and database reachable again');
    this.failing = false;
  }
}
