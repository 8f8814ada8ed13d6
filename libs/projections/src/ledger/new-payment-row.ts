import type { PaymentEventData } from '@ledger/payments-domain';
import type { PaymentRow } from '../payments/payment-row';

export function newPaymentRow(data: PaymentEventData<'PaymentCreated'>, revision: bigint): PaymentRow {
  const createdAt = new Date(data.createdAt);
  return {
    paymentId: data.paymentId,
    provider: data.provider,
    status: 'pending',
    amount: data.amount,
    currency: data.currency,
    refundedAmount: 0,
    customerId: data.customerId ?? null,
    description: data.description ?? null,
    providerPaymentId: null,
    errorCode: null,
    errorMessage: null,
    fraudFlagCount: 0,
    disputed: false,
    processingTimeMs: null,
    createdAt,
    processingAt: null,
    succeededAt: null,
    failedAt: null,
    updatedAt: createdAt,
    revision,
  };
}
