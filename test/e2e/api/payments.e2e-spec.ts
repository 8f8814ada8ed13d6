import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { createPayment, newPaymentBody, read, storedEvents, succeededPayment, write } from './fixtures';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

describe('Payment commands over HTTP', () => {
  it('creates a payment and answers with the contract shape', async () => {
    const res = await call(api, 'POST', '/v1/payments', {
      key: write(api),
      headers: { 'idempotency-key': 'create-1', 'x-request-id': 'corr-123' },
      body: newPaymentBody({
        paymentId: 'pay_1',
        customerId: 'c1',
        description: 'Order 42',
        card: { token: 'tok_1', brand: 'visa', last4: '4242' },
        metadata: { order: '42' },
      }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      paymentId: 'pay_1',
      provider: 'stripe',
      status: 'pending',
      amount: 5000,
      currency: 'USD',
      refundedAmount: 0,
      customerId: 'c1',
      description: 'Order 42',
      card: { token: 'tok_1', brand: 'visa', last4: '4242' },
      fraudFlagged: false,
      disputed: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      revision: 0,
    });
    const [event] = await storedEvents(api, 'pay_1');
    expect(event.metadata).toEqual({
      correlationId: 'corr-123',
      causationId: expect.any(String),
      actor: api.keyIds['payments:write'],
      sourceIp: expect.any(String),
      idempotencyKey: 'create-1',
      schemaVersion: 2,
      occurredAt: res.body.createdAt,
    });
    expect(event.metadata.causationId).not.toBe('corr-123');
  });

  it('generates a UUID when paymentId is absent', async () => {
    const id = await createPayment(api);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('walks the lifecycle and folds the view from the stream', async () => {
    const id = await succeededPayment(api, { amount: 1000 });
    expect(
      (await call(api, 'POST', `/v1/payments/${id}/refunds`, { key: write(api), body: { amount: 300, reason: 'partial' } })).status,
    ).toBe(201);
    expect(
      (await call(api, 'POST', `/v1/payments/${id}/fraud-flags`, { key: write(api), body: { reason: 'velocity', score: 87.5 } })).status,
    ).toBe(201);
    const dispute = await call(api, 'POST', `/v1/payments/${id}/disputes`, { key: write(api), body: { reason: 'chargeback' } });
    expect(dispute.status).toBe(201);
    const view = await call(api, 'GET', `/v1/payments/${id}`, { key: read(api) });
    expect(view.body).toMatchObject({ status: 'partially_refunded', refundedAmount: 300, fraudFlagged: true, disputed: true, revision: 5 });
    const events = await call(api, 'GET', `/v1/payments/${id}/events`, { key: read(api) });
    expect(events.body.map((e: { type: string }) => e.type)).toEqual([
      'PaymentCreated',
      'PaymentProcessing',
      'PaymentSucceeded',
      'PaymentRefunded',
      'PaymentFraudFlagged',
      'PaymentDisputed',
    ]);
    expect(events.body[3]).toEqual({
      eventId: expect.any(String),
      streamId: `payment-${id}`,
      type: 'PaymentRefunded',
      revision: 3,
      position: expect.stringMatching(/^\d+\/\d+$/),
      occurredAt: expect.any(String),
      recordedAt: expect.any(String),
      data: expect.objectContaining({ amount: 300, totalRefunded: 300 }),
      metadata: expect.objectContaining({ schemaVersion: 2 }),
    });
  });

  it('records a failure with its error code', async () => {
    const id = await createPayment(api);
    await call(api, 'POST', `/v1/payments/${id}/processing`, { key: write(api) });
    const res = await call(api, 'POST', `/v1/payments/${id}/failure`, {
      key: write(api),
      body: { errorCode: 'card_declined', errorMessage: 'Declined', processingTimeMs: 120 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'failed', errorCode: 'card_declined', processingTimeMs: 120 });
  });

  it('answers state-machine refusals with 409 and the domain code, appending nothing', async () => {
    const id = await createPayment(api);
    const refund = await call(api, 'POST', `/v1/payments/${id}/refunds`, { key: write(api), body: { amount: 1 } });
    expect(refund).toMatchObject({ status: 409, body: { error: { code: 'invalid_state_transition' } } });
    const twice = await call(api, 'POST', '/v1/payments', {
      key: write(api),
      headers: { 'idempotency-key': 'dup-create' },
      body: newPaymentBody({ paymentId: id }),
    });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'payment_already_exists' } } });
    const paid = await succeededPayment(api, { amount: 100 });
    const over = await call(api, 'POST', `/v1/payments/${paid}/refunds`, { key: write(api), body: { amount: 101 } });
    expect(over).toMatchObject({ status: 409, body: { error: { code: 'refund_exceeds_captured' } } });
    expect(await storedEvents(api, id)).toHaveLength(1);
  });

  it('answers an unknown payment with 404 payment_not_found', async () => {
    for (const [method, path, key] of [
      ['GET', '/v1/payments/nope', read(api)],
      ['GET', '/v1/payments/nope/events', read(api)],
      ['POST', '/v1/payments/nope/processing', write(api)],
    ] as const) {
      expect(await call(api, method, path, { key })).toMatchObject({ status: 404, body: { error: { code: 'payment_not_found' } } });
    }
  });
});
