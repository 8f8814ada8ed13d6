import { evaluateTimedRules, providerSilentRule } from '@ledger/monitoring';
import { lastTrustedWebhooks } from '@ledger/provider-webhooks';
// Direct file: the @ledger/projections index also loads the Nest dashboard module.
import { waitingPayments } from '../../../libs/projections/src/payments/providers.query';
import { appendPayment, waitFor } from './support/payments';
import { settled, startPipeline, type Pipeline } from './support/pipeline';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(() => p.stop());

const MINUTE = 60_000;
const silent = (kind: string) => p.webhook.received.filter((r) => r.alert.rule === 'provider_silent' && r.alert.kind === kind);

/**
 * The timed rules run on the wall clock; the test hands each tick its moment instead of waiting 30 minutes.
 * provider_silent alone: this pipeline runs the ledger projection only (projection_stalled has its own spec).
 */
const rules = { provider_silent: providerSilentRule({ waitingPayments, lastWebhooks: lastTrustedWebhooks }) };
const tick = (at: number) => evaluateTimedRules(p.db.pool, p.settings, rules, new Date(at));

describe('provider_silent (PROVIDER_SILENCE_AFTER = 30m, ALERT_RECOVER_AFTER = 2m)', () => {
  const start = Date.now();

  beforeAll(async () => {
    await p.db.pool.query(`INSERT INTO ledger.webhook_deliveries (provider, outcome, received_at) VALUES ('paystack', 'handled', $1)`, [
      new Date(start - 5 * MINUTE),
    ]);
    const id = await appendPayment(p.store, { provider: 'paystack', outcome: 'processing', at: new Date(start) });
    await waitFor(
      async () =>
        (await p.db.pool.query(`SELECT 1 FROM read_models.payments WHERE payment_id = $1 AND status = 'processing'`, [id])).rows.length > 0,
      'the projector',
    );
  });

  it('stays quiet while the payment has waited less than the silence', async () => {
    expect(await tick(start + 29 * MINUTE)).toEqual([]);
  });

  it('ignores unsigned requests: they are not the provider talking', async () => {
    await p.db.pool.query(
      `INSERT INTO ledger.webhook_deliveries (provider, outcome, received_at) VALUES ('paystack', 'invalid_signature', $1)`,
      [new Date(start + 20 * MINUTE)],
    );
    const alerts = await tick(start + 31 * MINUTE);
    expect(alerts?.map((a) => [a.rule, a.provider, a.kind, a.severity])).toEqual([['provider_silent', 'paystack', 'raised', 'critical']]);
    await settled(p, 1);
    expect(silent('raised')).toHaveLength(1);
    expect(silent('raised')[0].alert.details).toMatchObject({ waiting: 1 });
  });

  it('does not page again while it stays silent', async () => {
    expect(await tick(start + 40 * MINUTE)).toEqual([]);
  });

  it('resolves once a webhook arrives and the silence has stayed broken for ALERT_RECOVER_AFTER', async () => {
    await p.db.pool.query(`INSERT INTO ledger.webhook_deliveries (provider, outcome, received_at) VALUES ('paystack', 'handled', $1)`, [
      new Date(start + 41 * MINUTE),
    ]);
    expect(await tick(start + 42 * MINUTE)).toEqual([]);
    const alerts = await tick(start + 44 * MINUTE);
    expect(alerts?.map((a) => [a.rule, a.kind])).toEqual([['provider_silent', 'recovered']]);
    await settled(p, 2);
    expect(silent('recovered')).toHaveLength(1);
    expect(silent('recovered')[0].alert.resolves).toBe(silent('raised')[0].alert.id);
    expect((await p.alerts()).find((a) => a.id === silent('raised')[0].alert.id)?.status).toBe('resolved');
  });
});
