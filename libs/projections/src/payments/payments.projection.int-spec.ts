import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { created, disputed, failed, fraudFlagged, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { postgresProjectionSpec } from '../ledger/testing/postgres-projection-spec';
import { evolvePaymentRow } from './payments.projection';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());
const { given } = postgresProjectionSpec(() => db.pool);
const at = (time: string) => new Date(`2025-11-21T${time}Z`);

describe('Payments read model (payments), on its table', () => {
  it('stores a created payment with what the event carries', async () => {
    await given([created({ customerId: 'cus_1', description: 'Order 7' })])
      .when(evolvePaymentRow)
      .then([
        {
          paymentId: 'pay_1',
          provider: 'stripe',
          status: 'pending',
          amount: 10_000,
          currency: 'USD',
          refundedAmount: 0,
          customerId: 'cus_1',
          description: 'Order 7',
          fraudFlagCount: 0,
          disputed: false,
          processingTimeMs: null,
          createdAt: at('10:00:00.000'),
          updatedAt: at('10:00:00.000'),
          revision: 0n,
        },
      ]);
  });

  it('replaces the row with each later batch’s: decision, processing time, refunds and revision', async () => {
    await given([created(), processing(), succeeded({ processingTimeMs: 1234 }), refunded(3_000, 3_000), refunded(7_000, 10_000)])
      .when(evolvePaymentRow)
      .then([
        {
          status: 'refunded',
          refundedAmount: 10_000,
          providerPaymentId: 'pi_1',
          processingTimeMs: 1234,
          processingAt: at('10:00:01.000'),
          succeededAt: at('10:00:03.500'),
          updatedAt: at('11:00:00.000'),
          revision: 4n,
        },
      ]);
  });

  it('keeps each payment’s row apart: a failure, fraud flags and a dispute', async () => {
    await given([
      created(),
      processing(),
      failed(),
      ...ofPayment('pay_2', created(), fraudFlagged(), fraudFlagged()),
      ...ofPayment('pay_3', created(), processing(), succeeded(), disputed({ amount: 4_000 })),
    ])
      .when(evolvePaymentRow)
      .then([
        { paymentId: 'pay_1', status: 'failed', errorCode: 'card_declined', failedAt: at('10:00:02.000'), revision: 2n },
        { paymentId: 'pay_2', status: 'pending', fraudFlagCount: 2, revision: 2n },
        { paymentId: 'pay_3', status: 'succeeded', disputed: true, disputedAmount: 4_000, revision: 3n },
      ]);
  });
});
