import { comparePositions } from '@ledger/event-store';
import type { Provider } from '@ledger/payments-domain';
import { readCheckpoint } from '../../../libs/projections/src/runner/checkpoints';
import { appendPayments, waitFor } from './support/payments';
import { countBy, settled, startPipeline, type Pipeline } from './support/pipeline';

/** The clock the rules use is the events' time: each step waits for the projector, so every step is one evaluation at its own time. */
async function step(p: Pipeline, provider: Provider, at: Date, succeeded: number, failed: number): Promise<void> {
  if (succeeded > 0) await appendPayments(p.store, succeeded, { provider, outcome: 'succeeded', at });
  if (failed > 0) await appendPayments(p.store, failed, { provider, outcome: 'failed', at });
  // The newest committed event, not the newest visible one: another spec's open transaction holds visibility back.
  const head = await p.store.committedHead('payment-');
  await waitFor(async () => head && comparePositions((await readCheckpoint(p.db.pool, 'ledger')).position, head) >= 0, 'the projector');
}

const failureRate = (p: Pipeline, provider: string, kind: 'raised' | 'recovered') =>
  p.webhook.received.filter((r) => r.alert.rule === 'failure_rate' && r.alert.provider === provider && r.alert.kind === kind);

describe('alert raises and recoveries (ALERT_RECOVER_AFTER = 2m, ALERT_COOLDOWN = 1h)', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p.stop());

  it('fire → declared recovery → fire again delivers two raises, each with its own id', async () => {
    const t0 = Date.now() - 12 * 60_000;
    const at = (ms: number) => new Date(t0 + ms);
    await step(p, 'stripe', at(0), 40, 6);
    await step(p, 'stripe', at(30_000), 200, 0);
    await step(p, 'stripe', at(30_000 + 2 * 60_000), 1, 0);
    await step(p, 'stripe', at(4 * 60_000), 0, 20);
    await settled(p, 3);
    const raised = failureRate(p, 'stripe', 'raised');
    const recovered = failureRate(p, 'stripe', 'recovered');
    expect(raised).toHaveLength(2);
    expect(new Set(raised.map((r) => r.alert.id)).size).toBe(2);
    expect(recovered).toHaveLength(1);
    expect(recovered[0].alert.resolves).toBe(raised[0].alert.id);
    const stored = await p.alerts();
    expect(stored.filter((a) => a.rule === 'failure_rate' && a.kind === 'raised')).toHaveLength(2);
    expect(Object.values(countBy(p.webhook.received, (r) => r.alert.id)).every((n) => n === 1)).toBe(true);
  });

  it('a rate flapping around its threshold every 20 s for 10 minutes delivers one alert', async () => {
    const t0 = Date.now() - 13 * 60_000;
    let failed = 0;
    let decided = 40;
    await step(p, 'paystack', new Date(t0), 40, 0);
    for (let k = 1; k <= 30; k++) {
      const at = new Date(t0 + k * 20_000);
      if (k % 2 === 1) {
        // Just above 5 % (and well below the 10 % of "unhealthy").
        let failures = 0;
        while ((failed + failures) / (decided + failures) <= 0.051) failures += 1;
        await step(p, 'paystack', at, 0, failures);
        [failed, decided] = [failed + failures, decided + failures];
      } else {
        let successes = 0;
        while (failed / (decided + successes) >= 0.049) successes += 1;
        await step(p, 'paystack', at, successes, 0);
        decided += successes;
      }
    }
    await settled(p, 1);
    expect(failureRate(p, 'paystack', 'raised')).toHaveLength(1);
    expect(failureRate(p, 'paystack', 'recovered')).toHaveLength(0);
    const health = p.webhook.received.filter((r) => r.alert.rule === 'health_status' && r.alert.provider === 'paystack');
    expect(health.map((r) => r.alert.details?.to)).toEqual(['degraded']);
  }, 120_000);
});
