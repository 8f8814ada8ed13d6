import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { purgeExpiredData } from '@ledger/platform';
import { RETENTION_PURGES } from './retention.service';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

async function ids(sql: string): Promise<string[]> {
  return (await db.pool.query<{ id: string }>(sql)).rows.map((r) => String(r.id)).sort();
}

describe('The retention purge', () => {
  it('deletes expired idempotency records, and (each through its owner) deliveries and closed alerts past the retention; keeps the rest', async () => {
    const q = (sql: string, params: unknown[]) => db.pool.query(sql, params);
    for (const [key, expires] of [
      ['expired', ago(1)],
      ['expired-in-flight', ago(2)],
      ['live', ago(-1)],
    ] as const) {
      await q(`INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, expires_at) VALUES ('k', $1, 'h', $2, $3)`, [
        key,
        key === 'expired-in-flight' ? 'in_flight' : 'done',
        expires,
      ]);
    }
    for (const [detail, received] of [
      ['old', ago(31)],
      ['recent', ago(29)],
    ] as const) {
      await q(`INSERT INTO ledger.webhook_deliveries (provider, outcome, detail, received_at) VALUES ('stripe', 'handled', $1, $2)`, [
        detail,
        received,
      ]);
    }
    const alert = (id: string, status: string, raised: Date, ackAt: Date | null, resolvedAt: Date | null) =>
      q(
        `INSERT INTO monitoring.alerts (id, rule, kind, severity, status, title, payload, raised_at, received_at, acknowledged_at, resolved_at)
         VALUES ($1, 'r', 'raised', 'warning', $2, 't', '{}', $3, $3, $4, $5)`,
        [id, status, raised, ackAt, resolvedAt],
      );
    await alert('acked-long-ago', 'acknowledged', ago(60), ago(40), null);
    await alert('resolved-long-ago', 'resolved', ago(60), null, ago(35));
    await alert('acked-recently', 'acknowledged', ago(60), ago(10), null);
    await alert('open-and-old', 'open', ago(400), null, null);
    for (const [job, relayed] of [
      ['relayed-long-ago', ago(31)],
      ['relayed-recently', ago(29)],
      ['never-relayed', null],
    ] as const) {
      await q(`INSERT INTO monitoring.alert_outbox (job_id, payload, created_at, relayed_at) VALUES ($1, '{}', $2, $3)`, [
        job,
        ago(60),
        relayed,
      ]);
    }

    const counts = await purgeExpiredData(db.pool, { retentionDays: 30 }, RETENTION_PURGES);

    expect(counts).toEqual({ idempotencyRecords: 2, webhookDeliveries: 1, alerts: 2, alertOutbox: 1 });
    expect(await ids(`SELECT key AS id FROM ledger.idempotency_keys`)).toEqual(['live']);
    expect(await ids(`SELECT detail AS id FROM ledger.webhook_deliveries`)).toEqual(['recent']);
    expect(await ids(`SELECT id FROM monitoring.alerts`)).toEqual(['acked-recently', 'open-and-old']);
    expect(await ids(`SELECT job_id AS id FROM monitoring.alert_outbox`)).toEqual(['never-relayed', 'relayed-recently']);
    // A second run finds nothing more.
    expect(await purgeExpiredData(db.pool, { retentionDays: 30 }, RETENTION_PURGES)).toEqual({
      idempotencyRecords: 0,
      webhookDeliveries: 0,
      alerts: 0,
      alertOutbox: 0,
    });
  });
});
