/**
 * A point in the global event order. Both stores order `$all` by (commit, prepare):
 * EventStoreDB's commit/prepare log positions, and for PostgreSQL the appending
 * transaction's id and the row's sequence number.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: Position = Object.freeze({ commit: 0n, prepare: 0n });

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Positions travel as opaque strings (`"<commit>/<prepare>"`) in the API and the CLI. */
export function formatPosition(p: Position): string {
  return `${p.commit}/${p.prepare}`;
}

export function parsePosition(s: string): Position {
  const m = /^(\d{1,20})\/(\d{1,20})$/.exec(s.trim());
  if (!m) throw new InvalidPositionError(s);
  return { commit: BigInt(m[1]), prepare: BigInt(m[2]) };
}

export class InvalidPositionError extends Error {
  readonly code = 'invalid_position';
  constructor(value: string) {
    super(`not a position: ${JSON.stringify(value.slice(0, 60))} (expected "<commit>/<prepare>")`);
  }
}
