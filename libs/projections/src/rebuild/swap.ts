import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@ledger/platform';
import { START, comparePositions, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { readCheckpoint, setCheckpoint } from '../runner/checkpoints';
import type { OnBatch } from '../runner/projection-runner';
import { liveSchemaOf, quoteIdent, type Projection } from '../runner/projection';

const FINANCE_ROLE = 'ledger_finance';

/** A chunk of a rebuild without a rebuilder; the store goes along (the reconciliation appends its postings, once). */
export function applyChunk(
  pool: Pool,
  projection: Projection,
  schema: string,
  events: readonly RecordedEvent[],
  store?: EventStore,
): Promise<void> {
  return withTransaction(pool, (tx) => projection.apply(tx, events, { schema, ...(store ? { store } : {}) }));
}

export interface SwapInput {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly projection: Projection;
  readonly schema: string;
  readonly position: Position;
  readonly eventsDone: number;
  readonly chunkSize: number;
  readonly streamPrefix: string;
  /** The live runner's hook (the alerts), for the events the rebuild read past the live checkpoint. */
  readonly onBatch?: OnBatch;
}

/**
 * One transaction: lock the live checkpoint row (a running projector's next
 * batch waits on it, before touching any table), bring the shadow tables to the
 * live position if they are behind, move them into read_models in place of the
 * old ones, re-grant finance, and set the checkpoint to what the new tables hold.
 * A projector whose compare-and-set then fails re-reads the checkpoint. When
 * the rebuild has read past the live checkpoint, the live runner will never see
 * the events in between: they go through its hook here, once, in this
 * transaction and on the new tables, as its own next batches would have.
 */
export function swapIn(input: SwapInput): Promise<{ position: Position; extra: number }> {
  const { pool, projection, schema } = input;
  return withTransaction(
    pool,
    async (tx) => {
      const live = await readCheckpoint(tx, projection.name, true);
      const caughtUp = await catchUpTo(tx, input, live.position);
      const retired = `${schema}_old`;
      const liveSchema = quoteIdent(liveSchemaOf(projection));
      await tx.query(`CREATE SCHEMA ${quoteIdent(retired)}`);
      for (const table of projection.tables) {
        await tx.query(`ALTER TABLE ${liveSchema}.${quoteIdent(table)} SET SCHEMA ${quoteIdent(retired)}`);
        await tx.query(`ALTER TABLE ${quoteIdent(schema)}.${quoteIdent(table)} SET SCHEMA ${liveSchema}`);
        await tx.query(`GRANT SELECT ON ${liveSchema}.${quoteIdent(table)} TO ${FINANCE_ROLE}`);
      }
      if (input.onBatch) await replayIntoLiveHook(tx, input, live.position, caughtUp.position, input.onBatch);
      await setCheckpoint(tx, projection.name, caughtUp.position, input.eventsDone + caughtUp.extra);
      await tx.query(`DROP SCHEMA ${quoteIdent(retired)} CASCADE`);
      await tx.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
      return caughtUp;
    },
    { settings: { lock_timeout: '30s' } },
  );
}

/** Applies to the shadow tables, within the swap transaction, the events (position, target]. */
async function catchUpTo(tx: PoolClient, input: SwapInput, target: Position): Promise<{ position: Position; extra: number }> {
  let position = input.position;
  let extra = 0;
  while (comparePositions(position, target) < 0) {
    const page = await input.store.readAll({ after: position, maxCount: input.chunkSize, streamPrefix: input.streamPrefix });
    const events = page.filter((e) => comparePositions(e.position, target) <= 0);
    if (events.length === 0) throw new Error(`rebuild could not reach the live checkpoint of ${input.projection.name}`);
    await input.projection.apply(tx, events, { schema: input.schema, store: input.store });
    position = events[events.length - 1].position;
    extra += events.length;
  }
  return { position, extra };
}

/** Hands the live hook the events (live, built]: news the live runner never got to, not a replay of history. */
async function replayIntoLiveHook(tx: PoolClient, input: SwapInput, live: Position, built: Position, onBatch: OnBatch): Promise<void> {
  let position = live;
  while (comparePositions(position, built) < 0) {
    const after = comparePositions(position, START) === 0 ? undefined : position;
    const page = await input.store.readAll({ after, maxCount: input.chunkSize, streamPrefix: input.streamPrefix });
    const events = page.filter((e) => comparePositions(e.position, built) <= 0);
    if (events.length === 0) return;
    await onBatch(tx, events);
    position = events[events.length - 1].position;
  }
}
