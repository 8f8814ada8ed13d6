import { createAlertHook } from '@ledger/monitoring';
import { alertReadModels } from '../../../libs/projections/src/health/alert-read-models';
import { rebuildProjection } from '../../../libs/projections/src/rebuild/rebuild-projection';
import { readCheckpoint } from '../../../libs/projections/src/runner/checkpoints';
import { ledgerProjection } from '../../../libs/projections/src/ledger/ledger-projection';
import { ProjectionRunner } from '../../../libs/projections/src/runner/projection-runner';
import { appendPayment, waitFor } from './support/payments';
import { projected, settled, startPipeline, type Pipeline } from './support/pipeline';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(() => p.stop());

const suspiciousFor = (paymentId: string) =>
  p.webhook.received.filter((r) => r.alert.rule === 'suspicious_amount' && r.alert.details?.paymentId === paymentId);
const inReadModel = (paymentId: string) => async () =>
  (await p.db.pool.query(`SELECT 1 FROM read_models.payments WHERE payment_id = $1`, [paymentId])).rows.length > 0;

describe('a rebuild swap never skips the live alert hook', () => {
  it('raises nothing when the live runner already had every event the rebuild read', async () => {
    const id = await appendPayment(p.store, { amount: 70_000_000, currency: 'USD' });
    await settled(p, 1);
    expect(suspiciousFor(id)).toHaveLength(1);
    const before = await p.outbox();
    await rebuildProjection('ledger', { pool: p.db.pool, store: p.store, onBatch: createAlertHook(p.settings, alertReadModels) });
    // The live runner has moved past the swap: a day-old payment (history) appended after it is projected.
    await appendPayment(p.store, { at: new Date(Date.now() - 24 * 3_600_000) });
    await projected(p);
    expect(await p.outbox()).toEqual(before);
  });

  it('pages a 700,000 USD payment the rebuild read past the live checkpoint exactly once', async () => {
    // The live runner falls behind (stopped); the rebuild reads the payment and moves the checkpoint past it.
    await p.runner.stop();
    const before = (await p.outbox()).length;
    const id = await appendPayment(p.store, { amount: 70_000_000, currency: 'USD' });
    const live = await readCheckpoint(p.db.pool, 'ledger');
    const rebuilt = await rebuildProjection('ledger', {
      pool: p.db.pool,
      store: p.store,
      onBatch: createAlertHook(p.settings, alertReadModels),
    });
    expect(rebuilt.position.commit).toBeGreaterThan(live.position.commit);
    expect((await readCheckpoint(p.db.pool, 'ledger')).position).toEqual(rebuilt.position);

    // The live runner comes back, from the moved checkpoint, and goes on projecting.
    const runner = new ProjectionRunner({
      pool: p.db.pool,
      store: p.store,
      projection: ledgerProjection,
      onBatch: createAlertHook(p.settings, alertReadModels),
    });
    const running = runner.run();
    try {
      const later = await appendPayment(p.store, { amount: 80_000_000, currency: 'USD' });
      await waitFor(inReadModel(later), 'the live runner');
      await settled(p, before + 2);
      expect(suspiciousFor(id)).toHaveLength(1);
      expect(suspiciousFor(later)).toHaveLength(1);
      expect((await p.outbox()).length).toBe(before + 2);
    } finally {
      await runner.stop();
      await running.catch(() => undefined);
    }
  });
});
