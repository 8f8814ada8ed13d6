import type { Pool } from 'pg';

/**
 * PostgreSQL's side of a benchmark's profile, by statement (the `pg_stat_statements` extension shipped with the
 * embedded PostgreSQL): a bench starts its database with these settings (benchDatabase(PG_STATEMENTS_SETTINGS)),
 * calls `reset` when its measured window opens and `report` when it closes.
 *
 * Planning and execution times are wall-clock inside the server: on a machine whose cores the load saturates they
 * include the time a backend waited for a core, so they rank statements and show what planning costs beside
 * execution; PostgreSQL's CPU per command stays the bench's /proc figure.
 */
export const PG_STATEMENTS_SETTINGS: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  'pg_stat_statements.track_planning': 'on',
};

interface StatementRow {
  toplevel: boolean;
  calls: string;
  plans: string;
  plan_ms: number;
  exec_ms: number;
  wal_bytes: string;
  query: string;
}

export class PostgresStatements {
  constructor(private readonly pool: Pool) {}

  async reset(): Promise<void> {
    await this.pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await this.pool.query('SELECT pg_stat_statements_reset()');
  }

  /**
   * The `limit` statements that took the most time since `reset`, per command (`commands` served in the window), as
   * markdown table lines. Statements run inside a SQL function (`nested`) are counted in their caller's time too, so
   * the shares are of the top-level statements' time.
   */
  async report(commands: number, limit = 15): Promise<string[]> {
    const { rows } = await this.pool.query<StatementRow>(
      `SELECT s.toplevel, s.calls::text, s.plans::text, s.total_plan_time AS plan_ms, s.total_exec_time AS exec_ms, s.wal_bytes::text, s.query
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid AND d.datname = current_database()
        WHERE s.query NOT ILIKE '%pg_stat%'`,
    );
    const time = (r: StatementRow) => r.plan_ms + r.exec_ms;
    const topLevel = rows.filter((r) => r.toplevel).reduce((sum, r) => sum + time(r), 0);
    const per = (value: number) => (value / commands).toFixed(value / commands < 0.01 ? 4 : 3);
    const lines = [
      '| statement | nested | calls per command | planned | planning ms per command | execution ms per command | share of top-level time | WAL bytes per command |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    ];
    for (const r of [...rows].sort((a, b) => time(b) - time(a)).slice(0, limit)) {
      const text = r.query.replace(/\s+/g, ' ').trim().replaceAll('|', '\\|');
      lines.push(
        `| \`${text.length > 90 ? `${text.slice(0, 87)}…` : text}\` | ${r.toplevel ? '' : 'yes'} | ${per(Number(r.calls))} | ` +
          `${((100 * Number(r.plans)) / Math.max(1, Number(r.calls))).toFixed(0)} % | ${per(r.plan_ms)} | ${per(r.exec_ms)} | ` +
          `${r.toplevel ? `${((100 * time(r)) / Math.max(topLevel, 1e-9)).toFixed(1)} %` : ''} | ${(Number(r.wal_bytes) / commands).toFixed(0)} |`,
      );
    }
    lines.push(
      `top-level statements in all: ${per(topLevel)} ms per command (wall time inside the server: planning ${per(rows.filter((r) => r.toplevel).reduce((s, r) => s + r.plan_ms, 0))}, ` +
        `execution ${per(rows.filter((r) => r.toplevel).reduce((s, r) => s + r.exec_ms, 0))})`,
    );
    return lines;
  }
}
