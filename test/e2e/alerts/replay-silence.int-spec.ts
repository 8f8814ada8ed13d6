import { evaluateAlerts } from '@ledger/monitoring';
import { alertReadModels } from '../../../libs/projections/src/health/alert-read-models';
import { rebuildProjection } from '../../../libs/projections/src/rebuild/rebuild-projection';
import { appendPayment, appendPayments } from './support/payments';
import { projected, settled, startPipeline, type Pipeline } from './support/pipeline';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(() => p.stop());

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

describe('replays are silent', () => {
  it('raises nothing for events older than ALERT_REPLAY_HORIZON, even arriving on a live subscription', async () => {
    const at = hoursAgo(3);
    await appendPayments(p.store, 5, { outcome: 'succeeded', at });
    await appendPayments(p.store, 20, { outcome: 'failed', at });
    await appendPayment(p.store, { amount: 9_000_000, currency: 'USD', at });
    for (let i = 0; i < 12; i++) await appendPayment(p.store, { outcome: 'pending', fraudFlags: 1, at });
    await projected(p);
    expect(await p.outbox()).toEqual([]);
  });

  it('raises nothing while rebuilding over a history full of failures that paged once when live', async () => {
    await appendPayments(p.store, 20, { outcome: 'succeeded' });
    await appendPayments(p.store, 10, { outcome: 'failed' });
    await appendPayment(p.store, { amount: 9_000_000, currency: 'USD' });
    await settled(p, 3);
    const before = await p.outbox();
    await rebuildProjection('ledger', { pool: p.db.pool, store: p.store });
    // The live runner has moved past the swap: a day-old payment (history) appended after it is projected.
    await appendPayment(p.store, { at: hoursAgo(24) });
    await projected(p);
    expect(await p.outbox()).toEqual(before);
  });

  it('evaluates nothing on a batch flagged not live, where the same batch live would alert', async () => {
    const events = (await p.store.readAll({ maxCount: 10_000 })).filter((e) => e.type === 'PaymentCreated');
    const tx = await p.db.pool.connect();
    try {
      await tx.query('BEGIN');
      await tx.query('DELETE FROM monitoring.alert_state');
      expect(await evaluateAlerts(tx, events, { live: false }, p.settings, alertReadModels)).toEqual([]);
      const live = await evaluateAlerts(tx, events, { live: true }, p.settings, alertReadModels);
      expect(live.map((a) => a.rule)).toEqual(expect.arrayContaining(['failure_rate', 'suspicious_amount']));
    } finally {
      await tx.query('ROLLBACK');
      tx.release();
    }
  });
});
