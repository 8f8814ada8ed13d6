import type { Pool } from 'pg';
import { filterParams, type DashboardEvent, type DashboardFilter } from '../dashboard/shapes';

/** Newest events first, from the audit trail; a filter joins the payment for provider and currency. */
export async function queryRecentEvents(pool: Pool, limit: number, filter: DashboardFilter): Promise<DashboardEvent[]> {
  const filtered = filter.provider !== undefined || filter.currency !== undefined;
  const { rows } = await pool.query(
    `SELECT a.* FROM read_models.audit_trail a
      ${
        filtered
          ? `JOIN read_models.payments p ON p.payment_id = substr(a.stream_id, 9)
      WHERE ($1::text IS NULL OR p.provider = $1) AND ($2::text IS NULL OR p.currency = $2)`
          : 'WHERE $1::text IS NULL AND $2::text IS NULL'
      }
      ORDER BY a.commit_position DESC, a.prepare_position DESC LIMIT $3`,
    [...filterParams(filter), limit],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    streamId: r.stream_id,
    type: r.event_type,
    revision: Number(r.revision),
    position: `${r.commit_position}/${r.prepare_position}`,
    occurredAt: ((r.occurred_at ?? r.recorded_at) as Date).toISOString(),
    recordedAt: (r.recorded_at as Date).toISOString(),
    data: r.data,
    metadata: r.metadata,
  }));
}
