import { planCommands } from './plan-commands';
import { MAX_PROVIDER_CLOCK_AHEAD_MS, providerClock } from './provider-clock';
import { foldPayment } from '@ledger/payments-domain';

const received = new Date('2025-03-01T12:00:00Z');

describe('Provider clock', () => {
  it('believes a provider time in the past, however late the delivery', () => {
    const occurredAt = new Date('2025-02-27T09:30:00Z');
    expect(providerClock({ occurredAt }, received)).toMatchObject({ event: occurredAt, skewed: undefined });
  });

  it('takes a provider time more than 5 minutes ahead as the received time, and says so', () => {
    const ahead = new Date(received.getTime() + MAX_PROVIDER_CLOCK_AHEAD_MS + 1);
    const clock = providerClock({ occurredAt: ahead }, received);
    expect(clock.event).toEqual(received);
    expect(clock.skewed).toEqual(ahead);
    const slightlyAhead = new Date(received.getTime() + MAX_PROVIDER_CLOCK_AHEAD_MS);
    expect(providerClock({ occurredAt: slightlyAhead }, received).event).toEqual(slightlyAhead);
  });

  it('dates a first-sight chain by the provider objects: created when the object was, succeeded when the event was', () => {
    const createdAt = new Date('2025-02-28T10:00:00Z');
    const occurredAt = new Date('2025-02-28T10:00:04Z');
    const intent = {
      kind: 'payment' as const,
      eventType: 'payment_intent.succeeded',
      references: ['pi_1'],
      facts: { amount: 100, currency: 'USD', providerPaymentId: 'pi_1', createdAt },
      action: { type: 'succeed' as const },
      occurredAt,
    };
    const commands = planCommands(intent, { state: foldPayment([]) }, { paymentId: 'p1', provider: 'stripe', now: received });
    expect(commands.map((c) => [c.type, c.now.toISOString()])).toEqual([
      ['CreatePayment', createdAt.toISOString()],
      ['StartProcessing', createdAt.toISOString()],
      ['MarkPaymentSucceeded', occurredAt.toISOString()],
    ]);
  });
});
