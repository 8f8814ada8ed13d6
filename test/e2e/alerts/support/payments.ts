import { randomUUID } from 'node:crypto';
import type { EventStore } from '@ledger/event-store';
import { paymentStreamId, type Provider } from '@ledger/payments-domain';

const meta = (at: Date) => ({ correlationId: randomUUID(), actor: 'test', schemaVersion: 1, occurredAt: at.toISOString() });

export interface PaymentSpec {
  readonly provider?: Provider;
  readonly outcome?: 'succeeded' | 'failed' | 'processing' | 'pending';
  readonly amount?: number;
  readonly currency?: string;
  readonly fraudFlags?: number;
  readonly at?: Date;
  readonly processingTimeMs?: number;
}

/** Appends one payment's whole story, as the API's command handlers would. */
export async function appendPayment(store: EventStore, spec: PaymentSpec = {}): Promise<string> {
  const {
    provider = 'stripe',
    outcome = 'succeeded',
    amount = 1999,
    currency = 'USD',
    fraudFlags = 0,
    at = new Date(),
    processingTimeMs = 120,
  } = spec;
  const paymentId = randomUUID();
  const iso = at.toISOString();
  const events = [{ type: 'PaymentCreated', data: { paymentId, provider, amount, currency, createdAt: iso }, metadata: meta(at) }];
  if (outcome !== 'pending') events.push({ type: 'PaymentProcessing', data: { paymentId, startedAt: iso } as never, metadata: meta(at) });
  if (outcome === 'succeeded')
    events.push({
      type: 'PaymentSucceeded',
      data: { paymentId, amount, currency, processingTimeMs, succeededAt: iso } as never,
      metadata: meta(at),
    });
  if (outcome === 'failed')
    events.push({
      type: 'PaymentFailed',
      data: { paymentId, errorCode: 'card_declined', processingTimeMs, failedAt: iso } as never,
      metadata: meta(at),
    });
  for (let i = 0; i < fraudFlags; i++)
    events.push({ type: 'PaymentFraudFlagged', data: { paymentId, reason: 'velocity', flaggedAt: iso } as never, metadata: meta(at) });
  await store.appendToStream(paymentStreamId(paymentId), events, 'no_stream');
  return paymentId;
}

export async function appendPayments(store: EventStore, count: number, spec: PaymentSpec = {}): Promise<void> {
  for (let i = 0; i < count; i++) await appendPayment(store, spec);
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
