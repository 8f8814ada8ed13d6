export type DomainErrorCode =
  | 'payment_not_found'
  | 'payment_already_exists'
  | 'invalid_state_transition'
  | 'refund_exceeds_captured'
  | 'payment_already_disputed'
  | 'dispute_exceeds_captured'
  | 'dispute_not_found'
  | 'dispute_already_closed'
  | 'invalid_amount'
  | 'unknown_currency'
  | 'unsupported_schema_version'
  | 'currency_mismatch'
  | 'charge_disputed'
  | 'provider_refund_id_required'
  | 'nothing_to_review';

export type DomainErrorDetails = Readonly<Record<string, unknown>>;

/** Base of every error the domain throws; `code` is stable and part of the public contract. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: DomainErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export class PaymentNotFoundError extends DomainError {
  constructor(paymentId: string) {
    super('payment_not_found', `Payment ${paymentId} not found`, { paymentId });
  }
}

export class PaymentAlreadyExistsError extends DomainError {
  constructor(paymentId: string) {
    super('payment_already_exists', `Payment ${paymentId} already exists`, { paymentId });
  }
}

export class InvalidStateTransitionError extends DomainError {
  constructor(from: string, command: string) {
    super('invalid_state_transition', `Cannot ${command} a payment that is ${from}`, { from, command });
  }
}

export class RefundExceedsCapturedError extends DomainError {
  constructor(requested: number, refundable: number) {
    super('refund_exceeds_captured', `Refund of ${requested} exceeds the refundable ${refundable}`, {
      requested,
      refundable,
    });
  }
}

export class PaymentAlreadyDisputedError extends DomainError {
  constructor(paymentId: string) {
    super('payment_already_disputed', `Payment ${paymentId} is already disputed`, { paymentId });
  }
}

export class DisputeNotFoundError extends DomainError {
  constructor(paymentId: string, disputeId: string) {
    super('dispute_not_found', `Payment ${paymentId} has no dispute ${disputeId}`, { paymentId, disputeId });
  }
}

export class DisputeAlreadyClosedError extends DomainError {
  constructor(disputeId: string, outcome: string) {
    super('dispute_already_closed', `Dispute ${disputeId} is already closed as ${outcome}`, { disputeId, outcome });
  }
}

export class DisputeExceedsCapturedError extends DomainError {
  constructor(requested: number, captured: number) {
    super('dispute_exceeds_captured', `Dispute of ${requested} exceeds the captured ${captured}`, {
      requested,
      captured,
    });
  }
}

export class InvalidAmountError extends DomainError {
  constructor(amount: unknown, expected = 'a non-negative safe integer of minor units') {
    super('invalid_amount', `Amount ${String(amount)} must be ${expected}`, { amount: String(amount) });
  }
}

export class UnknownCurrencyError extends DomainError {
  constructor(currency: string) {
    super('unknown_currency', `Unknown currency ${JSON.stringify(currency)}`, { currency });
  }
}

export class UnsupportedSchemaVersionError extends DomainError {
  constructor(type: string, schemaVersion: number) {
    super('unsupported_schema_version', `No upcaster for ${type} schema version ${schemaVersion}`, {
      type,
      schemaVersion,
    });
  }
}

/** A provider reported money in another currency than the payment's: it cannot be booked as this payment. */
export class CurrencyMismatchError extends DomainError {
  constructor(expected: string, actual: string) {
    super('currency_mismatch', `The provider's currency ${actual} is not the payment's ${expected}`, { expected, actual });
  }
}

/** Stripe's `charge_disputed`: no refund through the API while a dispute is open or after one was lost. */
export class ChargeDisputedError extends DomainError {
  constructor(paymentId: string, disputeId: string, status: string) {
    super('charge_disputed', `Payment ${paymentId} is disputed (${disputeId}, ${status}): refund through the dispute instead`, {
      paymentId,
      disputeId,
      status,
    });
  }
}

/**
 * A refund through the API without the provider's id, on a payment whose provider has already named refunds: it may
 * be one of them, and refunds are never matched on amount, so it would be counted twice. Name it (providerRefundId).
 */
export class ProviderRefundIdRequiredError extends DomainError {
  constructor(paymentId: string, named: readonly string[]) {
    super(
      'provider_refund_id_required',
      `Payment ${paymentId} has refunds its provider already reported (${named.join(', ')}): send providerRefundId so this one is counted once`,
      { paymentId, named: named.join(',') },
    );
  }
}

/** A review was asked for a payment that no mismatch holds. */
export class NothingToReviewError extends DomainError {
  constructor(paymentId: string) {
    super('nothing_to_review', `Payment ${paymentId} has no mismatch waiting for review`, { paymentId });
  }
}
