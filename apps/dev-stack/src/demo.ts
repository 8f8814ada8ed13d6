import { formatAmount } from '@ledger/monitoring';
import { randomUUID } from 'node:crypto';

type Step = { path: string; body: Record<string, unknown> };

const CUSTOMERS = ['cus_ada', 'cus_bola', 'cus_chen', 'cus_dara', 'cus_emeka', 'cus_fumi'];

/** A short, realistic mix of lifecycles over both providers and three currencies. */
function scenario(): { create: Record<string, unknown>; then: Step[] }[] {
  const flows: { create: Record<string, unknown>; then: Step[] }[] = [];
  const plans: [string, number, string, string][] = [
    ['stripe', 1999, 'USD', 'succeed'],
    ['stripe', 4500, 'USD', 'refund'],
    ['paystack', 250000, 'NGN', 'succeed'],
    ['paystack', 120000, 'NGN', 'fail'],
    ['stripe', 3000, 'JPY', 'succeed'],
    ['stripe', 150000, 'USD', 'dispute'],
    ['paystack', 80000, 'NGN', 'succeed'],
    ['stripe', 999, 'USD', 'fail'],
    ['stripe', 12000, 'JPY', 'processing'],
  ];
  plans.forEach(([provider, amount, currency, plan], i) => {
    const paymentId = `demo_${randomUUID().slice(0, 8)}`;
    const steps: Step[] = [{ path: `/v1/payments/${paymentId}/processing`, body: {} }];
    if (plan === 'fail')
      steps.push({ path: `/v1/payments/${paymentId}/failure`, body: { errorCode: i % 2 ? 'card_declined' : 'insufficient_funds' } });
    if (['succeed', 'refund', 'dispute'].includes(plan))
      steps.push({ path: `/v1/payments/${paymentId}/success`, body: { processingTimeMs: 300 + i * 97 } });
    if (plan === 'refund')
      steps.push({ path: `/v1/payments/${paymentId}/refunds`, body: { amount: 1500, reason: 'requested_by_customer' } });
    if (plan === 'dispute') steps.push({ path: `/v1/payments/${paymentId}/disputes`, body: { reason: 'fraudulent' } });
    flows.push({
      create: {
        paymentId,
        provider,
        amount,
        currency,
        customerId: CUSTOMERS[i % CUSTOMERS.length],
        description: `Demo order #${1000 + i}`,
        card: { token: `tok_demo_${i}`, brand: 'visa', last4: '4242' },
      },
      then: plan === 'processing' ? steps.slice(0, 1) : steps,
    });
  });
  return flows;
}

export async function runDemo(baseUrl: string, apiKey: string, log: (line: string) => void): Promise<void> {
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) log(`  ${path} → ${res.status} ${await res.text()}`);
  };
  for (const flow of scenario()) {
    await post('/v1/payments', flow.create);
    for (const step of flow.then) await post(step.path, step.body);
  }
}

export async function printDashboard(baseUrl: string, apiKey: string, log: (line: string) => void): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/dashboard/payments`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!res.ok) return log(`dashboard: ${res.status}`);
  const d = (await res.json()) as {
    metrics: {
      counts: Record<string, number>;
      volumes: { currency: string; total: string; succeeded: string; refunded: string; net: string }[];
      rates: Record<string, number>;
    };
    health: { status: string; issues: string[] };
    errors: { code: string; count: number }[];
  };
  log(
    `payments: ${Object.entries(d.metrics.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  for (const v of d.metrics.volumes)
    log(
      `  ${v.currency}: total ${formatAmount(v.total, v.currency)}, succeeded ${formatAmount(v.succeeded, v.currency)}, ` +
        `refunded ${formatAmount(v.refunded, v.currency)}, net ${formatAmount(v.net, v.currency)}`,
    );
  log(`rates: success ${d.metrics.rates.success} %, failure ${d.metrics.rates.failure} %, refund ${d.metrics.rates.refund} %`);
  log(`errors: ${d.errors.map((e) => `${e.code} ×${e.count}`).join(', ') || 'none'}`);
  log(`health: ${d.health.status}${d.health.issues.length ? ` (${d.health.issues.join('; ')})` : ''}`);
}
