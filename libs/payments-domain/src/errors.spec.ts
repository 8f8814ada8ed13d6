import {
  DisputeExceedsCapturedError,
  DomainError,
  InvalidAmountError,
  InvalidStateTransitionError,
  PaymentAlreadyDisputedError,
  PaymentAlreadyExistsError,
  PaymentNotFoundError,
  RefundExceedsCapturedError,
  UnknownCurrencyError,
  isDomainError,
} from './errors';

describe('Domain errors', () => {
  it.each([
    [new PaymentNotFoundError('p'), 'payment_not_found', 'PaymentNotFoundError'],
    [new PaymentAlreadyExistsError('p'), 'payment_already_exists', 'PaymentAlreadyExistsError'],
    [new InvalidStateTransitionError('failed', 'RefundPayment'), 'invalid_state_transition', 'InvalidStateTransitionError'],
    [new RefundExceedsCapturedError(5, 4), 'refund_exceeds_captured', 'RefundExceedsCapturedError'],
    [new PaymentAlreadyDisputedError('p'), 'payment_already_disputed', 'PaymentAlreadyDisputedError'],
    [new DisputeExceedsCapturedError(5, 4), 'dispute_exceeds_captured', 'DisputeExceedsCapturedError'],
    [new InvalidAmountError(-1), 'invalid_amount', 'InvalidAmountError'],
    [new UnknownCurrencyError('XYZ'), 'unknown_currency', 'UnknownCurrencyError'],
  ])('%s has the stable code %s', (error, code, name) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(isDomainError(error)).toBe(true);
  });

  it('carries the details the HTTP layer reports', () => {
    expect(new InvalidStateTransitionError('failed', 'RefundPayment').details).toEqual({
      from: 'failed',
      command: 'RefundPayment',
    });
    expect(new RefundExceedsCapturedError(5, 4).details).toEqual({ requested: 5, refundable: 4 });
  });

  it('does not mistake other errors for domain errors', () => {
    expect(isDomainError(new Error('boom'))).toBe(false);
    expect(isDomainError({ code: 'payment_not_found' })).toBe(false);
  });
});
