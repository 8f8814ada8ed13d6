import { randomUUID } from 'node:crypto';
import { newPaymentBody } from '../../api/fixtures';

export interface Door {
  readonly name: string;
  readonly header?: boolean;
  request(text: string): { method: string; path: string; body?: unknown; headers?: Record<string, string>; key?: 'admin' };
}

const fresh = () => ({ 'idempotency-key': randomUUID() });
/** Every API door a value can come in by, on an existing payment (`paymentId`) where the route needs one. */
export function apiDoors(paymentId: string): Door[] {
  return [
    {
      name: 'description',
      request: (t) => ({ method: 'POST', path: '/v1/payments', body: newPaymentBody({ description: t }), headers: fresh() }),
    },
    {
      name: 'metadata value',
      request: (t) => ({ method: 'POST', path: '/v1/payments', body: newPaymentBody({ metadata: { note: t } }), headers: fresh() }),
    },
    {
      name: 'metadata key',
      request: (t) => ({ method: 'POST', path: '/v1/payments', body: newPaymentBody({ metadata: { [t]: 'x' } }), headers: fresh() }),
    },
    {
      name: 'customerId',
      request: (t) => ({ method: 'POST', path: '/v1/payments', body: newPaymentBody({ customerId: t }), headers: fresh() }),
    },
    {
      name: 'paymentId',
      request: (t) => ({ method: 'POST', path: '/v1/payments', body: newPaymentBody({ paymentId: t }), headers: fresh() }),
    },
    {
      name: 'refund reason',
      request: (t) => ({ method: 'POST', path: `/v1/payments/${paymentId}/refunds`, body: { amount: 1, reason: t }, headers: fresh() }),
    },
    {
      name: 'providerRefundId',
      request: (t) => ({
        method: 'POST',
        path: `/v1/payments/${paymentId}/refunds`,
        body: { amount: 1, providerRefundId: t },
        headers: fresh(),
      }),
    },
    {
      name: 'fraud reason',
      request: (t) => ({ method: 'POST', path: `/v1/payments/${paymentId}/fraud-flags`, body: { reason: t }, headers: fresh() }),
    },
    {
      name: 'dispute reason',
      request: (t) => ({ method: 'POST', path: `/v1/payments/${paymentId}/disputes`, body: { reason: t }, headers: fresh() }),
    },
    {
      name: 'errorMessage',
      request: (t) => ({
        method: 'POST',
        path: `/v1/payments/${paymentId}/failure`,
        body: { errorCode: 'declined', errorMessage: t },
        headers: fresh(),
      }),
    },
    {
      name: 'errorCode',
      request: (t) => ({ method: 'POST', path: `/v1/payments/${paymentId}/failure`, body: { errorCode: t }, headers: fresh() }),
    },
    {
      name: 'providerPaymentId',
      request: (t) => ({ method: 'POST', path: `/v1/payments/${paymentId}/success`, body: { providerPaymentId: t }, headers: fresh() }),
    },
    { name: 'query', request: (t) => ({ method: 'GET', path: `/v1/payments/${paymentId}?q=${encodeURIComponent(t)}` }) },
    {
      name: 'dashboard query',
      request: (t) => ({ method: 'GET', path: `/v1/dashboard/payments?provider=${encodeURIComponent(t)}`, key: 'admin' }),
    },
    { name: 'path', request: (t) => ({ method: 'GET', path: `/v1/payments/${encodeURIComponent(t)}` }) },
    {
      name: 'command path',
      request: (t) => ({ method: 'POST', path: `/v1/payments/${encodeURIComponent(t)}/refunds`, body: { amount: 1 }, headers: fresh() }),
    },
    {
      name: 'forget path',
      request: (t) => ({ method: 'POST', path: `/v1/customers/${encodeURIComponent(t)}/forget`, body: {}, key: 'admin' }),
    },
    {
      name: 'Idempotency-Key',
      header: true,
      request: (t) => ({ method: 'POST', path: '/v1/payments', body: newPaymentBody(), headers: { 'idempotency-key': t } }),
    },
    {
      name: 'X-Request-Id',
      header: true,
      request: (t) => ({ method: 'POST', path: '/v1/payments', body: newPaymentBody(), headers: { ...fresh(), 'x-request-id': t } }),
    },
  ];
}
