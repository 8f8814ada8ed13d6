import type { Pool, PoolClient } from 'pg';
import { START, type Position } from '@ledger/event-store';

const TABLE = 'read_models.checkpoints';

export interface Checkpoint {
  readonly name: string;
  readonly position: Position;
  readonly eventsApplied: number;
  readonly updatedAt: Date;
}

interface Row {
  name: string;
  commit_position: string;
  prepare_position: string;
  events_applied: string;
  updated_at: Date;
}

export async function ensureCheckpoint(pool: Pool | PoolClient, name: string): Promise<void> {
  await pool.query(`INSERT INTO ${TABLE} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
}

/** Every stored checkpoint, locked for the caller's transaction (a store rebase moves them all at once). */
export async function lockAllCheckpoints(tx: PoolClient): Promise<Checkpoint[]> {
  const { rows } = await tx.query<Row>(`SELECT * FROM ${TABLE} ORDER BY name FOR UPDATE`);
  return rows.map((row) => ({
    name: row.name,
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    eventsApplied: Number(row.events_applied),
    updatedAt: row.updated_at,
  }));
}

export async function readCheckpoint(db: Pool | PoolClient, name: string, forUpdate = false): Promise<Checkpoint> {
  const { rows } = await db.query<Row>(`SELECT * FROM ${TABLE} WHERE name = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [name]);
  const row = rows[0];
  if (!row) return { name, position: START, eventsApplied: 0, updatedAt: new Date(0) };
  return {
    name,
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    eventsApplied: Number(row.events_applied),
    updatedAt: row.updated_at,
  };
}

/**
 * Compare-and-set: moves the checkpoint only if it is still where this
 * instance left it. False means another instance (or a rebuild swap) moved it.
 * With `notifyChannel`, a move also queues `pg_notify(channel, name)` in the same
 * statement (delivered on COMMIT, dropped with a rollback): one round trip per batch.
 */
export async function advanceCheckpoint(
  tx: PoolClient,
  name: string,
  expected: Position,
  next: Position,
  applied: number,
  notifyChannel?: string,
): Promise<boolean> {
  const update = `UPDATE ${TABLE} SET commit_position = $2, prepare_position = $3, events_applied = events_applied + $6, updated_at = now()
      WHERE name = $1 AND commit_position = $4 AND prepare_position = $5`;
  const params = [name, next.commit.toString(), next.prepare.toString(), expected.commit.toString(), expected.prepare.toString(), applied];
  const { rowCount } = notifyChannel
    ? await tx.query({
        name: 'advance_checkpoint_notify',
        text: `WITH moved AS (${update} RETURNING name) SELECT pg_notify($7, name) FROM moved`,
        values: [...params, notifyChannel],
      })
    : await tx.query({ name: 'advance_checkpoint', text: update, values: params });
  return rowCount === 1;
}

export async function setCheckpoint(tx: PoolClient, name: string, position: Position, eventsApplied: number): Promise<void> {
  await tx.query(
    `INSERT INTO ${TABLE} (name, commit_position, prepare_position, events_applied, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (name) DO UPDATE SET commit_position = EXCLUDED.commit_position, prepare_position = EXCLUDED.prepare_position,
       events_applied = EXCLUDED.events_applied, updated_at = now()`,
    [name, position.commit.toString(), position.prepare.toString(), eventsApplied],
  );
}
