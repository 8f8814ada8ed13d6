import { appendPayment } from './support/payments';
import { countBy, projected, settled, startPipeline, type Pipeline } from './support/pipeline';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ env: { SUSPICIOUS_AMOUNTS: 'USD=100000,JPY=150000' } });
});
afterAll(() => p.stop());

const received = (rule: string) => p.webhook.received.filter((r) => r.alert.rule === rule);

describe('fraud flags', () => {
  it('stays quiet at 10 flags in an hour and raises one critical alert at the 11th', async () => {
    for (let i = 0; i < 10; i++) await appendPayment(p.store, { provider: 'paystack', outcome: 'pending', fraudFlags: 1 });
    await projected(p);
    expect(await p.outbox()).toHaveLength(0);
    await appendPayment(p.store, { provider: 'paystack', outcome: 'pending', fraudFlags: 1 });
    await settled(p, 2);
    expect(received('fraud_flags')[0].alert).toMatchObject({ severity: 'critical', provider: 'paystack', value: 11, threshold: 10 });
    await appendPayment(p.store, { provider: 'paystack', outcome: 'pending', fraudFlags: 2 });
    await settled(p, 2);
    expect(received('fraud_flags')).toHaveLength(1);
    expect(received('health_status').map((r) => r.alert.details?.to)).toEqual(['unhealthy']);
  });
});

describe('suspicious amounts', () => {
  it('raises one warning per payment above its currency threshold, never for one at or below it', async () => {
    await appendPayment(p.store, { amount: 100_000, currency: 'USD' });
    await appendPayment(p.store, { amount: 9_999_999, currency: 'EUR' });
    const big = await appendPayment(p.store, { amount: 100_001, currency: 'USD' });
    const yen = await appendPayment(p.store, { amount: 150_001, currency: 'JPY', provider: 'paystack' });
    await settled(p, 4);
    const alerts = received('suspicious_amount');
    expect(alerts.map((r) => r.alert.details?.paymentId).sort()).toEqual([big, yen].sort());
    expect(alerts.every((r) => r.alert.severity === 'warning' && r.signatureValid)).toBe(true);
    // Amounts in titles read as the dashboard's tables show them; the fields keep minor units.
    expect(alerts.map((r) => r.alert.title).sort()).toEqual(
      [`stripe: payment ${big} of USD 1,000.01 needs manual review`, `paystack: payment ${yen} of JPY 150,001 needs manual review`].sort(),
    );
    expect(alerts.find((r) => r.alert.details?.paymentId === big)?.alert.value).toBe(100_001);
    expect(Object.values(countBy(p.webhook.received, (r) => r.alert.id)).every((n) => n === 1)).toBe(true);
  });
});
