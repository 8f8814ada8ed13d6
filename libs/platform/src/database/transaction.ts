import type { Pool, PoolClient } from 'pg';

export interface TransactionOptions {
  readonly isolation?: 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
  readonly readOnly?: boolean;
  /** Settings for this transaction only (`SET LOCAL`), e.g. `{ lock_timeout: '30s' }`. */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * Runs `fn` in one transaction on a client of its own: COMMIT when it
 * resolves, ROLLBACK when it throws (the error is rethrown), and the client
 * goes back to the pool either way. A client whose ROLLBACK fails is
 * discarded rather than handed to the next caller in an unknown state.
 */
export async function withTransaction<T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const tx = await pool.connect();
  let broken: Error | undefined;
  // A connection lost mid-transaction is reported by the failing query; unheard, the client's 'error' event would crash the process.
  const ignore = () => undefined;
  tx.on('error', ignore);
  try {
    await tx.query(beginStatement(options));
    for (const [name, value] of Object.entries(options.settings ?? {})) {
      await tx.query('SELECT set_config($1, $2, true)', [name, value]);
    }
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    tx.off('error', ignore);
    tx.release(broken);
  }
}

function beginStatement({ isolation, readOnly }: TransactionOptions): string {
  let sql = 'BEGIN';
  if (isolation) sql += ` ISOLATION LEVEL ${isolation}`;
  if (readOnly) sql += ' READ ONLY';
  return sql;
}
