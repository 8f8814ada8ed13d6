import type { Pool, PoolClient } from 'pg';
import { API_KEY_CHANGES_CHANNEL } from '@ledger/security';

const RECONNECT_MS = 500;

/**
 * Holds one pool connection LISTENing on the api_keys channel and calls
 * `onChange(id)` for every key updated or deleted anywhere. While it is not
 * listening (starting, or the connection broke) `listening` is false and the
 * cache must not be trusted: a notification may have been missed. On every
 * (re)connection `onResync` runs, so entries cached while deaf are dropped.
 */
export class ApiKeyChanges {
  private client: PoolClient | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly onChange: (id: string) => void,
    private readonly onResync: () => void,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    if (this.stopped) return;
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      client.on('notification', (message) => {
        if (message.channel === API_KEY_CHANGES_CHANNEL && message.payload) this.onChange(message.payload);
      });
      client.on('error', () => this.lost(client));
      await client.query(`LISTEN ${API_KEY_CHANGES_CHANNEL}`);
      if (this.stopped) return client.release();
      this.client = client;
      this.onResync();
    } catch (error) {
      if (client) client.release(error as Error);
      this.scheduleRetry();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await client.query(`UNLISTEN ${API_KEY_CHANGES_CHANNEL}`).catch(() => undefined);
    client.release();
  }

  private lost(client: PoolClient | undefined): void {
    if (!client || this.client !== client) return;
    this.client = undefined;
    client.release(new Error('LISTEN connection lost'));
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => void this.start(), RECONNECT_MS);
    this.retry.unref();
  }
}
