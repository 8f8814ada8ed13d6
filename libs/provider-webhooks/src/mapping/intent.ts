import type { CardReference, Provider } from '@ledger/payments-domain';

/** What a provider object tells us about the payment itself: enough to create it on first sight. */
export interface PaymentFacts {
  readonly amount: number;
  readonly currency: string;
  readonly providerPaymentId: string;
  readonly customerId?: string;
  readonly description?: string;
  readonly card?: CardReference;
}

export type WebhookAction =
  | { readonly type: 'create' }
  | { readonly type: 'processing' }
  | { readonly type: 'succeed' }
  | { readonly type: 'fail'; readonly errorCode: string; readonly errorMessage?: string }
  /** One refund of its own amount (Stripe refund.created, Paystack refund.processed). */
  | { readonly type: 'refund'; readonly refundId: string; readonly amount: number; readonly reason?: string }
  /** Stripe's cumulative amount_refunded: only the part we have not recorded yet is appended. */
  | { readonly type: 'refundTotal'; readonly refundId: string; readonly totalRefunded: number }
  | { readonly type: 'dispute'; readonly reason: string; readonly amount?: number }
  | { readonly type: 'flagFraud'; readonly reason: string };

export type WebhookIntent =
  | { readonly kind: 'ignored'; readonly eventType: string }
  | {
      readonly kind: 'payment';
      readonly eventType: string;
      /** Provider references of the payment, most specific first (PaymentIntent id before charge id). */
      readonly references: readonly string[];
      /** metadata.paymentId on the provider object, when the payment was created through our API. */
      readonly paymentIdHint?: string;
      readonly facts?: PaymentFacts;
      readonly action: WebhookAction;
    };

export interface ProviderDelivery {
  readonly provider: Provider;
  /** Stripe `evt_…`; Paystack `<event>:<data.id>`; else `sha256:<hex of the raw body>`. */
  readonly deliveryId: string;
  readonly intent: WebhookIntent;
}
