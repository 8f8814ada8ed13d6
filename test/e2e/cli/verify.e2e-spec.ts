import { PostgresEventStore, formatPosition, type RecordedEvent } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { readAllEvents } from '../projections/support/harness';
import { appendWorkload } from '../projections/support/workload';
import { ledger, project } from './support/cli';

describe('ledger audit verify', () => {
  let db: TestDatabase;
  let events: RecordedEvent[];
  let env: NodeJS.ProcessEnv;
  const verify = () => ledger(['audit', 'verify'], env);

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    await appendWorkload(store, { payments: 400, seed: 99, concurrency: 8 });
    await project(db.pool, store);
    events = await readAllEvents(store);
    env = { DATABASE_URL: db.url };
  }, 120_000);

  afterAll(() => db.drop());

  describe('on a healthy system', () => {
    it('is clean and exits 0', async () => {
      const run = await verify();
      expect(run.stdout).toBe(
        `verify: clean (${events.length} events, 400 payments, ${events.length} audit rows; read models equal the events, hash chain intact)\n`,
      );
      expect(run.code).toBe(0);
    });

    it('reports progress as plain lines when standard error is not a terminal', async () => {
      const run = await verify();
      expect(run.stderr).toMatch(/^verify: \d+\/\d+ events, \d+ events\/s/m);
    });
  });

  describe('after a read-model row is altered in SQL', () => {
    it('prints the exact difference, to the minor unit, and exits 1', async () => {
      const {
        rows: [row],
      } = await db.pool.query(
        `UPDATE read_models.payment_metrics SET volume_succeeded = volume_succeeded + 1
          WHERE (provider, currency) = (SELECT provider, currency FROM read_models.payment_metrics WHERE volume_succeeded > 0 ORDER BY 1, 2 LIMIT 1)
          RETURNING provider, currency, volume_succeeded::text AS v`,
      );
      try {
        const run = await verify();
        expect(run.code).toBe(1);
        const expected = (BigInt(row.v) - 1n).toString();
        expect(run.stdout.split('\n').slice(0, -2)).toEqual([
          `payment_metrics [provider=${row.provider}, currency=${row.currency}] volume_succeeded: expected ${expected}, actual ${row.v}`,
        ]);
        expect(run.stdout).toMatch(/^verify: 1 difference \(/m);
      } finally {
        await db.pool.query(
          `UPDATE read_models.payment_metrics SET volume_succeeded = volume_succeeded - 1 WHERE provider = $1 AND currency = $2`,
          [row.provider, row.currency],
        );
      }
    });

    it('names the payment and column of a changed payment row', async () => {
      const {
        rows: [row],
      } = await db.pool.query(
        `UPDATE read_models.payments SET refunded_amount = refunded_amount + 5
          WHERE payment_id = (SELECT payment_id FROM read_models.payments ORDER BY payment_id LIMIT 1) RETURNING payment_id, refunded_amount::text AS r`,
      );
      try {
        const run = await verify();
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(
          `payments [payment_id=${row.payment_id}] refunded_amount: expected ${Number(row.r) - 5}, actual ${row.r}\n`,
        );
      } finally {
        await db.pool.query(`UPDATE read_models.payments SET refunded_amount = refunded_amount - 5 WHERE payment_id = $1`, [
          row.payment_id,
        ]);
      }
    });
  });

  describe('after an audit-trail row is altered', () => {
    it('reports the broken link at that row, and what differs from the event', async () => {
      const target = events[Math.floor(events.length / 2)];
      const at = formatPosition(target.position);
      const key = [target.position.commit.toString(), target.position.prepare.toString()];
      await db.pool.query(
        `UPDATE read_models.audit_trail SET actor = 'someone-else' WHERE commit_position = $1 AND prepare_position = $2`,
        key,
      );
      try {
        const run = await verify();
        expect(run.code).toBe(1);
        const lines = run.stdout.trimEnd().split('\n');
        expect(lines.filter((l) => !l.startsWith('verify:'))).toEqual([
          expect.stringMatching(
            new RegExp(
              `^audit_trail \\[position=${at}\\] row_hash \\(broken link: row content does not match its hash\\): expected [0-9a-f]{64}, actual [0-9a-f]{64}$`,
            ),
          ),
          `audit_trail [position=${at}] actor: expected ${JSON.stringify((target.metadata as { actor: string }).actor)}, actual "someone-else"`,
        ]);
      } finally {
        await db.pool.query(`UPDATE read_models.audit_trail SET actor = $3 WHERE commit_position = $1 AND prepare_position = $2`, [
          ...key,
          (target.metadata as { actor: string }).actor,
        ]);
      }
    });

    it('reports a missing row for its event and the broken link it leaves behind', async () => {
      const target = events[7];
      const key = [target.position.commit.toString(), target.position.prepare.toString()];
      const {
        rows: [saved],
      } = await db.pool.query(`DELETE FROM read_models.audit_trail WHERE commit_position = $1 AND prepare_position = $2 RETURNING *`, key);
      try {
        const run = await verify();
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(
          `audit_trail [position=${formatPosition(target.position)}] row: expected a row for event ${target.eventId}, actual no row\n`,
        );
        expect(run.stdout).toContain(
          `audit_trail [position=${formatPosition(events[8].position)}] prev_hash (broken link: does not match the previous row_hash)`,
        );
      } finally {
        const columns = Object.keys(saved);
        await db.pool.query(
          `INSERT INTO read_models.audit_trail (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          columns.map((c) => saved[c]),
        );
      }
    });

    it('is clean again once the rows are restored', async () => {
      expect((await verify()).code).toBe(0);
    });
  });

  it('compares up to each checkpoint, so events the projector has not reached yet are not differences', async () => {
    const store = new PostgresEventStore(db.pool);
    const last = events[events.length - 1];
    const paymentId = last.streamId.slice('payment-'.length);
    await store.appendToStream(
      last.streamId,
      [{ type: 'PaymentFraudFlagged', data: { paymentId, reason: 'velocity', flaggedAt: new Date().toISOString() } }],
      'any',
    );
    const run = await verify();
    expect(run.stdout).toMatch(/^verify: clean/m);
    expect(run.code).toBe(0);
  });

  it('exits 2 with one line when the read models are not there', async () => {
    const empty = await createTestDatabase(2);
    try {
      await empty.pool.query('DROP SCHEMA read_models CASCADE');
      const run = await ledger(['audit', 'verify'], { DATABASE_URL: empty.url });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^ledger: .*read_models.*\n$/m);
    } finally {
      await empty.drop();
    }
  });
});
