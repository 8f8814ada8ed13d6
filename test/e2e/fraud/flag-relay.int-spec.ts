import { FlagRelay, type FlagBus } from '@ledger/fraud';
import type { FlagFraudCommand } from '@ledger/payments-app';
import { PaymentNotFoundError } from '@ledger/payments-domain';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

/** Outbox rows as the manager writes them: `[paymentId, commandId]` in decision order. */
async function decide(db: TestDatabase, flags: readonly (readonly [string, string])[]): Promise<void> {
  for (const [paymentId, commandId] of flags) {
    await db.pool.query(
      `INSERT INTO fraud.outbox (command_id, rule, payment_id, trip_id, decided_at, command, causation_id)
       VALUES ($1, 'card_failures', $2, 'trip-1', now(), $3, 'evt-1')`,
      [
        commandId,
        paymentId,
        JSON.stringify({
          paymentId,
          rule: 'card_failures',
          window: '10m',
          count: 5,
          threshold: 5,
          paymentIds: [paymentId],
          tripId: 'trip-1',
          decidedAt: new Date().toISOString(),
        }),
      ],
    );
  }
}

const outbox = async (db: TestDatabase) =>
  (
    await db.pool.query<{ command_id: string; outcome: string | null; dispatched: boolean }>(
      `SELECT command_id, outcome, dispatched_at IS NOT NULL AS dispatched FROM fraud.outbox ORDER BY seq`,
    )
  ).rows;

/**
 * A bus that holds each command until the test lets it go, and records what ran at once: the relay's scheduling
 * is what is under test (the command runner's own behaviour is in the fraud exactly-once spec).
 */
function heldBus(outcome: (command: FlagFraudCommand) => Error | undefined = () => undefined) {
  const started: string[] = [];
  const running = new Set<string>();
  let mostAtOnce = 0;
  const overlaps: string[] = [];
  const waiting: (() => void)[] = [];
  const bus: FlagBus = {
    async execute(command: FlagFraudCommand) {
      const key = command.context.idempotency?.key ?? '?';
      const payment = command.command.data.paymentId;
      if ([...running].some((k) => k.startsWith(`${payment}/`))) overlaps.push(key);
      started.push(key);
      running.add(`${payment}/${key}`);
      mostAtOnce = Math.max(mostAtOnce, running.size);
      await new Promise<void>((resolve) => waiting.push(resolve));
      running.delete(`${payment}/${key}`);
      const error = outcome(command);
      if (error) throw error;
    },
  };
  /** Lets each held command go, a few milliseconds after it started, until `drained` settles. */
  const releaseUntil = async <T>(drained: Promise<T>): Promise<T> => {
    const pump = setInterval(() => waiting.splice(0).forEach((resolve) => resolve()), 5);
    try {
      return await drained;
    } finally {
      clearInterval(pump);
    }
  };
  return { bus, started, overlaps, mostAtOnce: () => mostAtOnce, releaseUntil };
}

describe('FlagRelay: a page of flags side by side, each payment in decision order', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(4);
  });
  afterEach(() => db.drop());

  it('runs different payments at once, never two flags of one payment, and marks every outcome', async () => {
    await decide(db, [
      ['p1', 'f1'],
      ['p2', 'f2'],
      ['p1', 'f3'],
      ['p3', 'f4'],
      ['p1', 'f5'],
    ]);
    const held = heldBus((c) => (c.context.idempotency?.key === 'f4' ? new PaymentNotFoundError('p3') : undefined));
    const relay = new FlagRelay(db.pool, held.bus);
    expect(await held.releaseUntil(relay.drain())).toBe(5);
    expect(held.mostAtOnce()).toBeGreaterThanOrEqual(3);
    expect(held.overlaps).toEqual([]);
    // p1's flags in decision order.
    expect(held.started.filter((k) => ['f1', 'f3', 'f5'].includes(k))).toEqual(['f1', 'f3', 'f5']);
    expect(await outbox(db)).toEqual([
      { command_id: 'f1', outcome: 'dispatched', dispatched: true },
      { command_id: 'f2', outcome: 'dispatched', dispatched: true },
      { command_id: 'f3', outcome: 'dispatched', dispatched: true },
      { command_id: 'f4', outcome: `refused:${new PaymentNotFoundError('p3').code}`, dispatched: true },
      { command_id: 'f5', outcome: 'dispatched', dispatched: true },
    ]);
  });

  it('on a failure (the store away) marks what settled, leaves the failed flag and its payment’s later ones pending, and a later round runs them', async () => {
    await decide(db, [
      ['p1', 'f1'],
      ['p2', 'f2'],
      ['p1', 'f3'],
    ]);
    let away = true;
    const held = heldBus((c) => (away && c.context.idempotency?.key === 'f1' ? new Error('connection terminated') : undefined));
    const relay = new FlagRelay(db.pool, held.bus);
    await expect(held.releaseUntil(relay.drain())).rejects.toThrow('connection terminated');
    expect(held.started).not.toContain('f3');
    expect(await outbox(db)).toEqual([
      { command_id: 'f1', outcome: null, dispatched: false },
      { command_id: 'f2', outcome: 'dispatched', dispatched: true },
      { command_id: 'f3', outcome: null, dispatched: false },
    ]);

    away = false;
    expect(await held.releaseUntil(relay.drain())).toBe(2);
    expect(held.started.slice(-2)).toEqual(['f1', 'f3']);
    expect((await outbox(db)).every((row) => row.outcome === 'dispatched')).toBe(true);
  });
});
