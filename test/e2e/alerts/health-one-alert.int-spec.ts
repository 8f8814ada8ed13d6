import { comparePositions } from '@ledger/event-store';
import { readCheckpoint } from '../../../libs/projections/src/runner/checkpoints';
import { appendPayments, waitFor } from './support/payments';
import { settled, startPipeline, type Pipeline } from './support/pipeline';

/** Each step is one evaluation at its own event time (the projector is waited for). */
async function step(p: Pipeline, at: Date, succeeded: number, failed: number): Promise<void> {
  if (succeeded > 0) await appendPayments(p.store, succeeded, { provider: 'stripe', outcome: 'succeeded', at });
  if (failed > 0) await appendPayments(p.store, failed, { provider: 'stripe', outcome: 'failed', at });
  // The newest committed event, not the newest visible one: another spec's open transaction holds visibility back.
  const head = await p.store.committedHead('payment-');
  await waitFor(async () => head && comparePositions((await readCheckpoint(p.db.pool, 'ledger')).position, head) >= 0, 'the projector');
}

/**
 * A provider's health is one alert that follows its state: degraded, then unhealthy, then degraded again is
 * three pages (each change pages at once), yet at every moment exactly one health alert of the provider is open,
 * titled with where it is now; the way back to healthy resolves it.
 */
describe('health_status: one open alert per provider, whatever its changes', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p.stop());

  const openHealth = async () =>
    (
      await p.db.pool.query<{ id: string; title: string; severity: string }>(
        `SELECT id, title, severity FROM monitoring.alerts WHERE rule = 'health_status' AND provider = 'stripe' AND status = 'open'`,
      )
    ).rows;
  const deliveredHealth = () => p.webhook.received.filter((r) => r.alert.rule === 'health_status').map((r) => r.alert);

  it('degraded → unhealthy → degraded → healthy: one open alert at each step, each change delivered once', async () => {
    const t0 = Date.now() - 10 * 60_000;
    const at = (ms: number) => new Date(t0 + ms);

    await step(p, at(0), 40, 3); // 7 %: degraded
    await settled(p, 2);
    expect(await openHealth()).toEqual([expect.objectContaining({ title: 'stripe: health degraded', severity: 'warning' })]);

    await step(p, at(20_000), 0, 5); // 17 %: unhealthy
    await waitFor(async () => deliveredHealth().length >= 3, 'the change to unhealthy');
    await settled(p, 4);
    const [unhealthy] = await openHealth();
    expect(await openHealth()).toEqual([expect.objectContaining({ title: 'stripe: health unhealthy (was degraded)' })]);

    await step(p, at(40_000), 40, 0); // 9 %: degraded again
    await waitFor(async () => deliveredHealth().length >= 5, 'the change back to degraded');
    await settled(p, 6);
    expect(await openHealth()).toEqual([expect.objectContaining({ title: 'stripe: health degraded (was unhealthy)' })]);
    expect((await openHealth())[0].id).not.toBe(unhealthy.id);

    await step(p, at(60_000), 600, 0); // clear: recovery declared after ALERT_RECOVER_AFTER (2 min) of health
    await step(p, at(60_000 + 2 * 60_000 + 1_000), 1, 0);
    await waitFor(async () => (await openHealth()).length === 0, 'the recovery');
    // Every alert in the outbox relayed and delivered (the recovery's delivery included), the queue drained.
    await settled(p);

    const delivered = deliveredHealth();
    expect(delivered.map((a) => [a.kind, a.details?.to])).toEqual(
      expect.arrayContaining([
        ['raised', 'degraded'],
        ['raised', 'unhealthy'],
        ['recovered', 'unhealthy'],
        ['raised', 'degraded'],
        ['recovered', 'degraded'],
        ['recovered', 'healthy'],
      ]),
    );
    expect(delivered).toHaveLength(6);
    // Each superseded alert names what continued it, and was resolved by it.
    const raised = delivered.filter((a) => a.kind === 'raised');
    for (const successor of raised.slice(1)) {
      const superseded = delivered.find((a) => a.details?.supersededBy === successor.id);
      expect(superseded).toMatchObject({ kind: 'recovered', severity: 'info' });
      expect(raised.map((a) => a.id)).toContain(superseded!.resolves);
    }
    expect(new Set(delivered.map((a) => a.id)).size).toBe(delivered.length);
  });
});
