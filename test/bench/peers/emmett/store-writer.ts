import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';

/** What bench:store needs of Emmett's PostgreSQL event store; store.bench.ts loads this file by path. */
export interface EmmettAppender {
  /** Appends at an exact expected stream version: the number of events already in the stream. */
  append(
    streamName: string,
    events: { type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[],
    expected: bigint,
  ): Promise<void>;
  close(): Promise<void>;
}

export async function emmettAppender(databaseUrl: string, poolMax: number): Promise<EmmettAppender> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax });
  const eventStore = getPostgreSQLEventStore(databaseUrl, { connectionOptions: { pool } });
  await eventStore.schema.migrate();
  return {
    append: async (streamName, events, expected) => {
      await eventStore.appendToStream(streamName, events, { expectedStreamVersion: expected });
    },
    close: async () => {
      await eventStore.close();
      await pool.end().catch(() => undefined);
    },
  };
}
