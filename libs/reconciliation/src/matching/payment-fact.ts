import type { Provider } from '@ledger/payments-domain';

export type FactKind = 'charge' | 'refund' | 'dispute';

/**
 * What the ledger recorded that a report line can be matched to, keyed by every reference the payment events carry
 * (our payment id, the provider's intent or Paystack reference, charge, refund and dispute ids). The matcher keeps
 * this index itself, from the payment events it reads, so a rebuild matches exactly as the live run did.
 */
export interface PaymentFact {
  readonly reference: string;
  readonly kind: FactKind;
  readonly paymentId: string;
  readonly provider: Provider;
  /** Charge: captured; refund: the refund's amount; dispute: the disputed amount. Positive minor units of `currency`. */
  readonly amount: number;
  readonly currency: string;
  /** Charge: what was authorised when less was captured (a partial capture's reversal nets against it). */
  readonly authorizedAmount?: number;
  /** Refund: reversed by the provider (a refund_failure explains it). */
  readonly reversed?: boolean;
  /** Dispute: how it closed. */
  readonly outcome?: string;
  readonly at: string;
}

export type FactLookup = (references: readonly (string | undefined)[], kind: FactKind) => PaymentFact | undefined;
