import type { PoolClient } from 'pg';
import type { Position } from '@ledger/event-store';

/** The checkpoint rows verify reads: table and row names only, no projection code. */
export const LEDGER = 'ledger';
export const AUDIT_TRAIL = 'audit_trail';

export interface StoredCheckpoint {
  readonly name: string;
  readonly position: Position;
  readonly eventsApplied: bigint;
}

/** Read with the auditor's own SQL; a projection that never ran stands at 0/0 with nothing applied. */
export async function storedCheckpoint(client: PoolClient, name: string): Promise<StoredCheckpoint> {
  const { rows } = await client.query<{ commit_position: string; prepare_position: string; events_applied: string }>(
    `SELECT commit_position::text, prepare_position::text, events_applied::text FROM read_models.checkpoints WHERE name = $1`,
    [name],
  );
  const row = rows[0];
  if (!row) return { name, position: { commit: 0n, prepare: 0n }, eventsApplied: 0n };
  return {
    name,
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    eventsApplied: BigInt(row.events_applied),
  };
}
