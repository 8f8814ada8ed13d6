import { createHmac, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import * as payloads from '../../libs/provider-webhooks/src/testing';
import { rng } from '../e2e/projections/support/workload';
import { PAYSTACK_SECRET, STRIPE_SECRET, SUSPICIOUS } from './system';

/** acknowledged: 2xx with a body; refused: 4xx; unknown: every attempt ended in 5xx, a timeout or a reset. */
type Outcome = 'ok' | 'refused' | 'unknown';

interface Attempt {
  readonly sentAt: number;
  readonly at: number;
  readonly status?: number;
  readonly error?: string;
}

/** What the ledger must hold when this operation took effect, for the checker. */
export type Expect =
  | { readonly by: 'key'; readonly type: string } // API: the events carrying this Idempotency-Key
  | { readonly by: 'type'; readonly type: string } // webhook: one such event in the stream
  | { readonly by: 'refund'; readonly refundId: string }; // webhook: one refund with this provider id

export interface Op {
  readonly n: number;
  readonly client: number;
  readonly name: string;
  readonly source: 'api' | 'stripe' | 'paystack';
  /** API ops and Stripe (metadata.paymentId) know it; Paystack's comes from provider_references. */
  paymentId?: string;
  readonly reference?: string;
  readonly key?: string;
  readonly deliveryId?: string;
  readonly expect: Expect;
  readonly attempts: Attempt[];
  outcome?: Outcome;
  body?: unknown;
}

export interface WorkloadOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly seed: number;
  readonly clients: number;
  /** A request's own timeout, and how long a client keeps retrying one operation with the same key. */
  readonly requestTimeoutMs?: number;
  readonly retryForMs?: number;
  /** Open-loop pacing for the soak: operations per second over all clients (none = as fast as answered). */
  readonly opsPerSecond?: number;
}

const stripe = new Stripe('sk_test_unused');
const CURRENCIES = ['USD', 'EUR', 'NGN', 'JPY'] as const;

/**
 * Clients that drive the payment lifecycle through the API and both providers' webhooks,
 * retrying like real clients (same Idempotency-Key, same webhook delivery), keeping a
 * history of every request. Choices come from the seed; timings from the machine.
 */
export class Workload {
  readonly history: Op[] = [];
  private stopping = false;
  private counter = 0;
  private running: Promise<void>[] = [];
  private paced = 0;

  constructor(private readonly options: WorkloadOptions) {}

  start(): void {
    this.running = Array.from({ length: this.options.clients }, (_, i) => this.client(i));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  private async client(index: number): Promise<void> {
    const random = rng(this.options.seed * 1000 + index);
    while (!this.stopping) {
      const r = random();
      if (r < 0.6) await this.apiFlow(index, random);
      else if (r < 0.8) await this.stripeFlow(index, random);
      else await this.paystackFlow(index, random);
    }
  }

  private async pace(): Promise<void> {
    const rate = this.options.opsPerSecond;
    if (!rate) return;
    const now = Date.now();
    this.paced = Math.max(this.paced + 1000 / rate, now);
    const wait = this.paced - now;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  private async apiFlow(client: number, random: () => number): Promise<void> {
    const paymentId = `chaos_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const currency = CURRENCIES[Math.floor(random() * CURRENCIES.length)];
    const suspicious = currency in SUSPICIOUS && random() < 0.05;
    const amount = suspicious
      ? SUSPICIOUS[currency as keyof typeof SUSPICIOUS] + 1 + Math.floor(random() * 1000)
      : 500 + Math.floor(random() * 50_000);
    const provider = random() < 0.5 ? 'stripe' : 'paystack';
    const cmd = (name: string, path: string, body: object, type: string) =>
      this.api(client, name, paymentId, `/v1/payments${path}`, body, type);
    if (
      !(await cmd(
        'create',
        '',
        { paymentId, provider, amount, currency, customerId: `cus_${Math.floor(random() * 40)}` },
        'PaymentCreated',
      ))
    )
      return;
    if (!(await cmd('processing', `/${paymentId}/processing`, {}, 'PaymentProcessing'))) return;
    if (random() < 0.2) {
      await cmd(
        'failure',
        `/${paymentId}/failure`,
        { errorCode: random() < 0.5 ? 'card_declined' : 'insufficient_funds' },
        'PaymentFailed',
      );
      return;
    }
    if (!(await cmd('success', `/${paymentId}/success`, { processingTimeMs: Math.floor(random() * 2000) }, 'PaymentSucceeded'))) return;
    const refunds = Math.floor(random() * 3);
    for (let i = 0; i < refunds; i++) {
      // Sometimes more than what is left: the ledger must refuse it (refunds never exceed the capture).
      const refund = Math.max(1, Math.floor(amount * (0.2 + random() * 0.6)));
      await cmd('refund', `/${paymentId}/refunds`, { amount: refund, reason: 'requested_by_customer' }, 'PaymentRefunded');
    }
    if (random() < 0.1) await cmd('dispute', `/${paymentId}/disputes`, { reason: 'fraudulent' }, 'PaymentDisputed');
  }

  private async stripeFlow(client: number, random: () => number): Promise<void> {
    const tail = randomUUID()
      .replace(/-/g, '')
      .slice(0, 20)
      .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);
    const paymentId = `chaos_st_${tail}`;
    const ids: payloads.StripeIds = { paymentIntent: `pi_${tail}`, charge: `ch_${tail}`, paymentId };
    const amount = 1000 + Math.floor(random() * 90_000);
    const intent = payloads.paymentIntent(ids, 'succeeded', { amount, amount_received: amount });
    const succeeded = await this.stripe(
      client,
      'stripe succeeded',
      paymentId,
      payloads.stripeEvent(evt(), 'payment_intent.succeeded', intent),
      {
        by: 'type',
        type: 'PaymentSucceeded',
      },
    );
    if (!succeeded || random() < 0.5) return;
    const refundId = `re_${tail.slice(0, 12)}`;
    const refunded = payloads.refundedCharge({ ...ids }, [{ id: refundId, amount: Math.floor(amount / 3) }]);
    const chargeRefunded = { ...refunded, amount, amount_captured: amount };
    await this.stripe(client, 'stripe refund', paymentId, payloads.stripeEvent(evt(), 'charge.refunded', chargeRefunded), {
      by: 'refund',
      refundId,
    });
  }

  private async paystackFlow(client: number, random: () => number): Promise<void> {
    // Letters only after the prefix, like a merchant's reference: a reference holding a card-like run (13+ digits
    // between letters) is stored as a keyed token (issue 29, covered by the every-door and customer-id specs), which
    // the checker, matching references as sent, could not find.
    const reference = `T_chaos_${randomUUID()
      .replace(/-/g, '')
      .slice(0, 16)
      .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)])}`;
    const amount = 10_000 + Math.floor(random() * 900_000);
    const success = { ...payloads.chargeSuccess(reference, { amount: String(amount), id: Math.floor(random() * 1e12) }) };
    if (!(await this.paystack(client, 'paystack success', reference, success, { by: 'type', type: 'PaymentSucceeded' }))) return;
    if (random() < 0.5) return;
    const refundRef = `rf_${reference.slice(8)}`;
    await this.paystack(client, 'paystack refund', reference, payloads.refundProcessed(reference, refundRef, Math.floor(amount / 4)), {
      by: 'refund',
      refundId: refundRef,
    });
  }

  private newOp(fields: Omit<Op, 'n' | 'attempts'>): Op {
    const op: Op = { n: this.counter++, attempts: [], ...fields };
    this.history.push(op);
    return op;
  }

  private async api(client: number, name: string, paymentId: string, path: string, body: object, type: string): Promise<boolean> {
    const key = randomUUID();
    const op = this.newOp({ client, name, source: 'api', paymentId, key, expect: { by: 'key', type } });
    const headers = { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json', 'idempotency-key': key };
    return this.send(op, () => ({ path, headers, body: JSON.stringify(body) }));
  }

  private async stripe(client: number, name: string, paymentId: string, event: Record<string, unknown>, expect: Expect): Promise<boolean> {
    const payload = JSON.stringify(event);
    const op = this.newOp({ client, name, source: 'stripe', paymentId, deliveryId: String(event.id), expect });
    // Stripe signs every delivery attempt afresh, same payload.
    return this.send(op, () => ({
      path: '/v1/webhooks/stripe',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripe.webhooks.generateTestHeaderString({
          payload,
          secret: STRIPE_SECRET,
          timestamp: Math.floor(Date.now() / 1000),
        }),
      },
      body: payload,
    }));
  }

  private async paystack(
    client: number,
    name: string,
    reference: string,
    event: Record<string, unknown>,
    expect: Expect,
  ): Promise<boolean> {
    const payload = JSON.stringify(event);
    const op = this.newOp({ client, name, source: 'paystack', reference, expect });
    const signature = createHmac('sha512', PAYSTACK_SECRET).update(payload).digest('hex');
    return this.send(op, () => ({
      path: '/v1/webhooks/paystack',
      headers: { 'content-type': 'application/json', 'x-paystack-signature': signature },
      body: payload,
    }));
  }

  /** Sends until a decided answer or the retry budget is spent; true when acknowledged. */
  private async send(op: Op, request: () => { path: string; headers: Record<string, string>; body: string }): Promise<boolean> {
    const { requestTimeoutMs = 10_000, retryForMs = 90_000 } = this.options;
    const first = Date.now();
    for (let attempt = 0; ; attempt++) {
      await this.pace();
      const { path, headers, body } = request();
      const sentAt = Date.now();
      try {
        const res = await fetch(`${this.options.baseUrl}${path}`, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        const text = await res.text();
        op.attempts.push({ sentAt, at: Date.now(), status: res.status });
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
        const code = (parsed as { error?: { code?: string }; code?: string })?.error?.code ?? (parsed as { code?: string })?.code;
        if (res.status < 300 && text.length > 0) {
          op.outcome = 'ok';
          op.body = parsed;
          return true;
        }
        // 409 idempotency_key_in_use: the first try may still run (or died; the key frees after a minute). 429: slow down.
        const retry = res.status >= 500 || res.status === 429 || code === 'idempotency_key_in_use' || res.status < 300;
        if (!retry) {
          op.outcome = 'refused';
          op.body = parsed;
          return false;
        }
      } catch (error) {
        op.attempts.push({ sentAt, at: Date.now(), error: (error as Error).name === 'TimeoutError' ? 'timeout' : 'reset' });
      }
      if (this.stopping && Date.now() - first > 5_000) break;
      if (Date.now() - first > retryForMs) break;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2)));
    }
    op.outcome = 'unknown';
    return false;
  }
}

const evt = () => `evt_${randomUUID().replace(/-/g, '')}`;
