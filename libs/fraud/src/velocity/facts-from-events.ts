import type { RecordedEvent } from '@ledger/event-store';
import { CUSTOMER_FORGOTTEN } from '@ledger/payments-app';
import { PAYMENT_STREAM_PREFIX, type PaymentEventData, type RiskSignals } from '@ledger/payments-domain';
import type { Open } from '@ledger/security';
import type { VelocityFact } from './facts';

/** The streams the manager follows: the payments, and the customers' forget facts. */
export const followsStream = (streamId: string) => streamId.startsWith(PAYMENT_STREAM_PREFIX) || streamId.startsWith('customer-');

const timeOf = (event: RecordedEvent, own: unknown): number => {
  for (const candidate of [own, (event.metadata as { occurredAt?: unknown }).occurredAt]) {
    const at = typeof candidate === 'string' ? Date.parse(candidate) : NaN;
    if (!Number.isNaN(at)) return at;
  }
  return event.recordedAt.getTime();
};

/** A sealed `risk` read with the customer's key: a forgotten customer's reads as nothing (no tokens to match). */
async function riskOf(value: unknown, open: Open): Promise<RiskSignals | undefined> {
  if (value === undefined) return undefined;
  const opened = await open(value);
  return typeof opened === 'object' && opened !== null && 'tokens' in opened ? (opened as RiskSignals) : undefined;
}

/**
 * The facts of a batch, in log order. Only the risk field is opened (each data key looked up once per batch, all
 * at once); nothing but its tokens and whether its two countries differ leaves this function.
 */
export async function factsOf(events: readonly RecordedEvent[], open: Open): Promise<{ fact: VelocityFact; eventId: string }[]> {
  const facts = await Promise.all(events.map(async (e) => ({ fact: await factOf(e, open), eventId: e.eventId })));
  return facts.filter((f): f is { fact: VelocityFact; eventId: string } => f.fact !== undefined);
}

async function factOf(e: RecordedEvent, open: Open): Promise<VelocityFact | undefined> {
  switch (e.type) {
    case 'PaymentCreated': {
      const data = e.data as PaymentEventData<'PaymentCreated'>;
      const risk = await riskOf(data.risk, open);
      const t = risk?.tokens ?? {};
      return definedOnly({
        kind: 'payment' as const,
        paymentId: data.paymentId,
        at: timeOf(e, data.createdAt),
        customerId: data.customerId,
        card: t.card,
        ip: t.ip,
        device: t.device,
        email: t.email,
        amount: data.amount,
        currency: data.currency,
        countryMismatch: !!risk?.ipCountry && !!risk.cardCountry && risk.ipCountry !== risk.cardCountry,
      });
    }
    case 'PaymentFailed':
    case 'PaymentAttemptFailed': {
      const data = e.data as PaymentEventData<'PaymentAttemptFailed'>;
      const risk = await riskOf(data.risk, open);
      return definedOnly({ kind: 'failure' as const, paymentId: data.paymentId, at: timeOf(e, data.failedAt), card: risk?.tokens.card });
    }
    case CUSTOMER_FORGOTTEN: {
      const customerId = (e.data as { customerId?: unknown }).customerId;
      return typeof customerId === 'string' ? { kind: 'forget', customerId } : undefined;
    }
    default:
      return undefined;
  }
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
