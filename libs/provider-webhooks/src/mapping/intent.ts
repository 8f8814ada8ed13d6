import type { CardReference, DisputeOutcome, Provider, RiskSignals } from '@ledger/payments-domain';

/** Risk signals as the provider sent them (CONTRACT.md › "Fraud velocity"): in clear, so never planned with. */
export interface ProviderRiskSignals {
  readonly ipAddress?: unknown;
  readonly ipCountry?: unknown;
  readonly cardFingerprint?: unknown;
  readonly cardCountry?: unknown;
  readonly email?: unknown;
}

/** What a provider object tells us about the payment itself: enough to create it on first sight. */
export interface PaymentFacts {
  /** What the object asked for (authorised). */
  readonly amount: number;
  readonly currency: string;
  /** What the provider captured, where the object says (Stripe `amount_received`, `amount_captured`): booked on success. */
  readonly captured?: number;
  readonly providerPaymentId: string;
  /** The provider's charge (Stripe `ch_…`: the charge itself, or a PaymentIntent's `latest_charge`), carried in the events. */
  readonly chargeId?: string;
  /** Of our set only (customerIdSchema); a token where the provider sent personal data. */
  readonly customerId?: string;
  /** A provider customer id that is not a plain id (an e-mail, a name...): replaced by its token at the door, never planned with. */
  readonly personalCustomerId?: string;
  readonly description?: string;
  readonly card?: CardReference;
  /** The provider's risk signals, replaced at the door by `risk` (validated, with keyed tokens); never planned with. */
  readonly riskSignals?: ProviderRiskSignals;
  /** The signals the door kept, with their keyed tokens: sealed in the events under the customer's key. */
  readonly risk?: RiskSignals;
  /** When the provider created the payment object (its own clock). */
  readonly createdAt?: Date;
}

/** One refund as the provider reports it. `failed`: failed or canceled, so it must not count (any more). */
export interface ProviderRefund {
  readonly refundId: string;
  readonly amount: number;
  readonly failed: boolean;
  readonly reason?: string;
  /** When the provider created the refund. */
  readonly at?: Date;
  /** The refund's currency where the object names it: one other than the payment's is a mismatch, never counted. */
  readonly currency?: string;
}

export type WebhookAction =
  | { readonly type: 'create' }
  | { readonly type: 'processing' }
  | { readonly type: 'succeed' }
  /** A failed attempt; `attemptId` is the provider's id of it (the charge), so its other reports are the same attempt. */
  | { readonly type: 'fail'; readonly errorCode: string; readonly errorMessage?: string; readonly attemptId?: string }
  /**
   * Refunds the provider names (Stripe refund.* and the list in charge.refunded, Paystack refund.processed) and,
   * from Stripe's charge.refunded, its cumulative amount_refunded: each counted once (payments-domain/refund-ledger).
   */
  | { readonly type: 'refunds'; readonly refunds: readonly ProviderRefund[]; readonly reportedTotal?: number }
  /** A dispute seen (opened, updated, reminded) or, with an outcome, ended. */
  | {
      readonly type: 'dispute';
      readonly disputeId: string;
      readonly reason: string;
      readonly amount?: number;
      /** The dispute's currency where the object names it. */
      readonly currency?: string;
      readonly outcome?: DisputeOutcome;
    }
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
      /** When it happened by the provider's clock (Stripe's event `created`), when the payload says. */
      readonly occurredAt?: Date;
    };

export interface ProviderDelivery {
  readonly provider: Provider;
  /** Stripe `evt_…`; Paystack `<event>:<data.id>`; else `sha256:<hex of the raw body>`. */
  readonly deliveryId: string;
  readonly intent: WebhookIntent;
}
