import type { PaymentCommand } from './commands';
import { DisputeAlreadyClosedError, DisputeNotFoundError } from './errors';
import { AMOUNT, AT, NOW, PAYMENT_ID, events, histories } from './testing/fixtures';
import { given } from './testing/given';

const id = { paymentId: PAYMENT_ID };
const close = (disputeId: string, outcome: 'won' | 'lost' | 'warning_closed'): PaymentCommand => ({
  type: 'CloseDispute',
  data: { ...id, disputeId, outcome },
  now: NOW,
});
const closed = (outcome: 'won' | 'lost' | 'warning_closed', amount = AMOUNT) =>
  ({ type: 'PaymentDisputeClosed', data: { ...id, disputeId: 'dp_1', outcome, amount, currency: 'USD', closedAt: AT } }) as const;

describe('Payment', () => {
  describe('when disputed', () => {
    const history = histories.disputed();

    it.each(['won', 'lost', 'warning_closed'] as const)('closes the dispute as %s', (outcome) => {
      given(history)
        .when(close('dp_1', outcome))
        .then([closed(outcome)]);
    });

    it('closes a dispute named by the provider id', () => {
      const opened = { ...events.disputed(2_000), data: { ...events.disputed(2_000).data, providerDisputeId: 'du_9' } };
      given([...histories.succeeded(), opened])
        .when(close('du_9', 'lost'))
        .then([closed('lost', 2_000)]);
    });

    it('opens nothing for a repeat of the same dispute', () => {
      given(history)
        .when({ type: 'OpenDispute', data: { ...id, disputeId: 'dp_1', reason: 'fraudulent' }, now: NOW })
        .then([]);
    });

    it('refuses to close a dispute it does not know', () => {
      given(history).when(close('dp_9', 'won')).thenThrows(DisputeNotFoundError, { disputeId: 'dp_9' });
    });
  });

  describe('when a dispute is closed', () => {
    const history = [...histories.disputed(), closed('lost')];

    it('closes it again with the same outcome as a no-op', () => {
      given(history).when(close('dp_1', 'lost')).then([]);
    });

    it('refuses another outcome', () => {
      given(history).when(close('dp_1', 'won')).thenThrows(DisputeAlreadyClosedError);
    });

    it('opens a new dispute', () => {
      given(history)
        .when({ type: 'OpenDispute', data: { ...id, disputeId: 'dp_2', reason: 'duplicate', amount: 100 }, now: NOW })
        .then([
          {
            type: 'PaymentDisputed',
            data: { ...id, disputeId: 'dp_2', reason: 'duplicate', amount: 100, currency: 'USD', disputedAt: AT },
          },
        ]);
    });
  });
});
