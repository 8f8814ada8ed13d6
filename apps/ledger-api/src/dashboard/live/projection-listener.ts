import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Notification, Pool, PoolClient } from 'pg';
import { PG_POOL } from '@ledger/platform';

/** The channel the projection runner NOTIFYs inside each batch transaction (delivered on COMMIT). */
const PROJECTION_CHANNEL = 'ledger_projection';

export type ProjectionListenerFn = (projection: string) => void;

/**
 * One LISTEN connection per API process, opened on the first subscriber and
 * shared by every live dashboard. A dropped connection is reopened after a
 * second; subscribers are told ("resync") so they refetch whatever they missed.
 */
@Injectable()
export class ProjectionListener implements BeforeApplicationShutdown {
  /** Each subscriber with how to end it when the app shuts down (an open stream would hold the server open). */
  private readonly subscribers = new Map<ProjectionListenerFn, () => void>();
  private client: PoolClient | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Resolves once LISTEN is in place, so a caller's first fetch cannot miss a commit. */
  async subscribe(fn: ProjectionListenerFn, onShutdown: () => void): Promise<() => void> {
    this.subscribers.set(fn, onShutdown);
    await this.connect();
    return () => void this.subscribers.delete(fn);
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (n: Notification) => this.publish(n.payload || 'unknown'));
    client.on('error', () => this.drop(client));
    await client.query(`LISTEN ${PROJECTION_CHANNEL}`);
    this.client = client;
  }

  private drop(client: PoolClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(true);
    if (this.closed) return;
    this.reconnectLater();
  }

  private reconnectLater(): void {
    setTimeout(() => {
      if (this.closed || this.subscribers.size === 0) return;
      this.connect().then(
        () => this.publish('resync'),
        () => this.reconnectLater(),
      );
    }, 1_000).unref();
  }

  private publish(projection: string): void {
    for (const fn of this.subscribers.keys()) fn(projection);
  }

  /** Before the pool closes: a client still checked out would hold pool.end() open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const end of this.subscribers.values()) end();
    this.subscribers.clear();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await client.query(`UNLISTEN ${PROJECTION_CHANNEL}`).catch(() => undefined);
    client.release();
  }
}
