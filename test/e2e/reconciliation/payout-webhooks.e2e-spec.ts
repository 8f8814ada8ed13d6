import { PostgresEventStore } from '@ledger/event-store';
import type { ApiHarness } from '../../support/api-harness';
import { postStripe, startWebhookHarness } from '../webhooks/support/webhook-harness';

function payoutEvent(id: string, type: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    object: 'event',
    type,
    created: 1772668800,
    data: {
      object: {
        id: 'po_1RfX',
        object: 'payout',
        amount: 125_050,
        currency: 'usd',
        arrival_date: 1772668800,
        status: type.split('.')[1],
        ...fields,
      },
    },
  };
}

describe('Stripe payout webhooks (issue 32)', () => {
  let api: ApiHarness;
  let store: PostgresEventStore;

  beforeAll(async () => {
    api = await startWebhookHarness();
    store = new PostgresEventStore(api.db.pool, { pollIntervalMs: 5 });
  });

  afterAll(async () => {
    await store.close();
    await api.close();
  });

  it('appends payout.paid and payout.failed once each on the payout stream, signed as today', async () => {
    const paid = payoutEvent('evt_paid_1', 'payout.paid');
    expect((await postStripe(api, paid)).status).toBe(200);
    expect((await postStripe(api, paid)).status).toBe(200);
    expect((await postStripe(api, payoutEvent('evt_failed_1', 'payout.failed', { failure_code: 'account_closed' }))).status).toBe(200);
    expect((await postStripe(api, payoutEvent('evt_forged', 'payout.paid'), { secret: 'whsec_wrong' })).status).toBe(401);
    const stream = await store.readStream('payout-stripe-po_1RfX');
    expect(stream.map((e) => [e.type, (e.data as { status: string }).status, (e.data as { amount: number }).amount])).toEqual([
      ['PayoutStatusReported', 'paid', 125_050],
      ['PayoutStatusReported', 'failed', 125_050],
    ]);
    expect(stream[1].data).toEqual(
      expect.objectContaining({ failureCode: 'account_closed', currency: 'USD', providerEventId: 'evt_failed_1' }),
    );
  });
});
