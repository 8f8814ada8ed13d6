import { given } from '../ledger/testing/given';
import { created, disputed, failed, fraudFlagged, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { statusCountsProjection } from './status-counts.projection';

describe('Status counts read model (status_counts)', () => {
  const stripeUSD = { provider: 'stripe', currency: 'USD' };

  it('counts a created payment as pending', () => {
    given([created()])
      .when(statusCountsProjection)
      .then([{ ...stripeUSD, status: 'pending', payments: 1 }]);
  });

  it('moves a payment from status to status, so it is counted in its current one only', () => {
    given([created(), processing(), succeeded()])
      .when(statusCountsProjection)
      .then([
        { ...stripeUSD, status: 'pending', payments: 0 },
        { ...stripeUSD, status: 'processing', payments: 0 },
        { ...stripeUSD, status: 'succeeded', payments: 1 },
      ]);
  });

  it('moves a refunded payment to partially refunded, then to refunded', () => {
    given([
      created(),
      processing(),
      failed(),
      ...ofPayment('pay_2', created(), processing(), succeeded(), refunded(1, 1), refunded(2, 3), refunded(9_997, 10_000)),
    ])
      .when(statusCountsProjection)
      .then([
        { ...stripeUSD, status: 'pending', payments: 0 },
        { ...stripeUSD, status: 'processing', payments: 0 },
        { ...stripeUSD, status: 'failed', payments: 1 },
        { ...stripeUSD, status: 'succeeded', payments: 0 },
        { ...stripeUSD, status: 'partially_refunded', payments: 0 },
        { ...stripeUSD, status: 'refunded', payments: 1 },
      ]);
  });

  it('counts nothing for events that leave the status as it is', () => {
    given([created(), fraudFlagged(), disputed()])
      .when(statusCountsProjection)
      .then([{ ...stripeUSD, status: 'pending', payments: 1 }]);
  });
});
