import type { Provider } from '@ledger/payments-domain';

/**
 * One line of a provider's payout report, whatever the format it came in: amounts in integer ISO minor units of
 * `currency` (the currency the provider settled it in). `lineId` is the provider's id of the balance movement
 * (Stripe `txn_…`, Paystack's transaction id), unique per provider.
 */
export interface ReportedLine {
  readonly lineId: string;
  readonly payoutId: string;
  readonly category: string;
  readonly currency: string;
  readonly gross: number;
  readonly fee: number;
  readonly net: number;
  /** The object that moved the balance: a charge, refund, dispute or payout id, or Paystack's transaction reference. */
  readonly sourceId?: string;
  readonly chargeId?: string;
  readonly paymentIntentId?: string;
  /** `payment_metadata[paymentId]` when the merchant set it on the charge. */
  readonly paymentId?: string;
  /** What the customer paid, in the charge's own currency, when the line was settled in another one. */
  readonly customerFacingAmount?: number;
  readonly customerFacingCurrency?: string;
  /** Decimal string as reported; informational (the FX difference is computed from both amounts). */
  readonly exchangeRate?: string;
  readonly createdAt: string;
}

/** What the report says about the payout itself. */
export interface ReportedPayout {
  readonly provider: Provider;
  readonly payoutId: string;
  readonly currency: string;
  /** The payout's own amount, when the format carries it (Stripe's payout line, Paystack's settlement). */
  readonly amount?: number;
  /** When the payout was effective (Stripe `automatic_payout_effective_at`, Paystack `settlement_date`). */
  readonly effectiveAt: string;
  readonly status?: string;
}
