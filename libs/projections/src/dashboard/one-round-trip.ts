import { escapeLiteral, type Pool, type QueryConfig, type QueryResult } from 'pg';

interface Recorded {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly resolve: (result: QueryResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The queries a dashboard read issues at once, sent in one round trip (issue 33): the query functions run against
 * this recorder as against the pool (they issue their queries before their first await), then `send` writes them
 * all as one multi-statement simple query on one connection, each statement's parameters written in as literals
 * (pg's own escaping; only nulls, numbers, booleans, strings, dates and flat arrays of them, anything else goes to
 * the pool on its own). Results are typed by the same parsers as the extended protocol's text results. A query
 * issued after `send` (one depending on another's answer) goes to the pool directly; should the batch fail as a
 * whole, each query is rerun on its own, so an error belongs to its query alone.
 */
export class OneRoundTrip {
  private recorded: Recorded[] = [];
  private sent = false;

  constructor(private readonly pool: Pool) {}

  /** Runs `read` with its queries recorded, then sends them as one round trip; resolves with what `read` returns. */
  static async read<T>(pool: Pool, read: (db: Pool) => Promise<T>): Promise<T> {
    const trip = new OneRoundTrip(pool);
    const result = read(trip as unknown as Pool);
    result.catch(() => undefined); // awaited below, once the round trip is sent
    await trip.send();
    return result;
  }

  readonly query = ((textOrConfig: string | QueryConfig, values?: unknown[]) => {
    const text = typeof textOrConfig === 'string' ? textOrConfig : textOrConfig.text;
    const params = (typeof textOrConfig === 'string' ? values : (textOrConfig.values ?? values)) ?? [];
    if (this.sent || (typeof textOrConfig !== 'string' && (textOrConfig as { rowMode?: string }).rowMode) || !params.every(isWritable)) {
      return this.pool.query(text, params as unknown[]);
    }
    return new Promise<QueryResult>((resolve, reject) => this.recorded.push({ text, values: params, resolve, reject }));
  }) as Pool['query'];

  async send(): Promise<void> {
    this.sent = true;
    const batch = this.recorded;
    this.recorded = [];
    if (batch.length === 0) return;
    if (batch.length === 1) return this.alone(batch[0]);
    let results: QueryResult[];
    try {
      const sql = batch.map((q) => `${withLiterals(q.text, q.values).trim().replace(/;\s*$/, '')};`).join('\n');
      const answer = (await this.pool.query(sql)) as unknown as QueryResult | QueryResult[];
      results = Array.isArray(answer) ? answer : [answer];
      if (results.length !== batch.length) throw new Error(`${batch.length} statements answered ${results.length} times`);
    } catch {
      await Promise.all(batch.map((q) => this.alone(q)));
      return;
    }
    batch.forEach((q, i) => q.resolve(results[i]));
  }

  private alone(q: Recorded): Promise<void> {
    return this.pool.query(q.text, q.values as unknown[]).then(q.resolve, q.reject);
  }
}

function isWritable(value: unknown): boolean {
  if (Array.isArray(value)) return value.every((v) => v === null || isScalar(v));
  return value === null || value === undefined || isScalar(value) || value instanceof Date;
}

const isScalar = (v: unknown) =>
  typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v));

/** A parameter as the literal pg would have sent: NULL, or its text (an array as a PostgreSQL array literal), quoted. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  if (Array.isArray(value)) {
    const items = value.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`));
    return escapeLiteral(`{${items.join(',')}}`);
  }
  return escapeLiteral(String(value));
}

/** `$n` placeholders replaced by their literals (the dashboard's SQL holds no `$` in strings or dollar quotes). */
function withLiterals(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index >= values.length) throw new Error(`parameter $${n} not given`);
    return literal(values[index]);
  });
}
