import type { Pool, PoolClient } from 'pg';

/**
 * Session-level advisory lock on a dedicated connection: held while the
 * connection lives, so a crashed holder releases it with its socket.
 */
export class AdvisoryLock {
  private client: PoolClient | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly key: string,
  ) {}

  async tryAcquire(): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [this.key]);
      if (rows[0].ok) {
        this.client = client;
        client.on('error', () => undefined);
        return true;
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    client.release();
    return false;
  }

  /** Still ours? A dropped connection means another instance may hold it now. */
  async isHeld(): Promise<boolean> {
    if (!this.client) return false;
    try {
      await this.client.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [this.key]);
      client.release();
    } catch {
      client.release(true);
    }
  }
}
