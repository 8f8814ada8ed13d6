import type { RecordedEvent } from '@ledger/event-store';
import { fraudVelocityTrips } from './fraud-velocity';

const flag = (paymentId: string, tripId: string | undefined, n: number): RecordedEvent => ({
  eventId: `e${n}`,
  streamId: `payment-${paymentId}`,
  type: 'PaymentFraudFlagged',
  revision: 1n,
  position: { commit: BigInt(n), prepare: BigInt(n) },
  data: {
    paymentId,
    reason: 'pd1:sealed',
    flaggedAt: '2026-12-07T10:00:00.000Z',
    ...(tripId ? { rule: 'card_failures', window: '10m', count: 5, threshold: 5, paymentIds: ['p1', 'p2', 'p3', 'p4', 'p5'], tripId } : {}),
  },
  metadata: {},
  recordedAt: new Date('2026-12-07T10:00:01.000Z'),
});

describe('fraud_velocity alerts', () => {
  const now = new Date('2026-12-07T10:00:02.000Z');
  const providers = new Map([['p1', 'stripe']]);

  it('raises one alert per trip, not one per flagged payment, with the same id in every batch', () => {
    const first = fraudVelocityTrips(
      [1, 2, 3].map((n) => flag(`p${n}`, 'card_failures:p5', n)),
      providers,
      now,
    );
    const later = fraudVelocityTrips([flag('p6', 'card_failures:p5', 6)], providers, now);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ rule: 'fraud_velocity', kind: 'raised', severity: 'critical', value: 5, threshold: 5 });
    expect(first[0].details).toMatchObject({ rule: 'card_failures', tripId: 'card_failures:p5', paymentIds: 'p1 p2 p3 p4 p5' });
    expect(later.map((a) => a.id)).toEqual(first.map((a) => a.id));
  });

  it('raises one per trip when a batch holds two, and none for a flag a client posted', () => {
    const alerts = fraudVelocityTrips([flag('p1', 'a', 1), flag('p2', 'b', 2), flag('p3', undefined, 3)], providers, now);
    expect(alerts.map((a) => a.details?.tripId)).toEqual(['a', 'b']);
  });
});
