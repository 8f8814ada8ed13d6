import { z } from 'zod';
import { containsPan } from '../card-data/find-pans';

/**
 * Character sets of the identifiers the API accepts or copies into events,
 * logs, Redis keys and responses. None admits `@` (no e-mail address becomes
 * a pseudonymous id), whitespace, quotes or control characters; card numbers
 * are refused separately by the detector, since digits and dashes are allowed.
 */
export const PAYMENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const PAYMENT_ID_RULE = 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -';

export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const CUSTOMER_ID_RULE = 'must be 1-128 characters of A-Z, a-z, 0-9, _ . : or -';

/** An error code is an identifier, stored and shown in clear (the dashboard groups by it): free text goes in errorMessage. */
export const ERROR_CODE_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const ERROR_CODE_RULE = 'must be 1-128 characters of A-Z, a-z, 0-9, _ . : or - (free text goes in errorMessage)';

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:=+/-]{1,255}$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 1-255 characters of A-Z, a-z, 0-9, _ . : = + / or -';

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:=+/-]{1,128}$/;

const noCardNumber = (value: string): boolean => !containsPan(value);

export const paymentIdSchema = z.string().regex(PAYMENT_ID_PATTERN, PAYMENT_ID_RULE).refine(noCardNumber, 'must not hold a card number');
export const customerIdSchema = z.string().regex(CUSTOMER_ID_PATTERN, CUSTOMER_ID_RULE).refine(noCardNumber, 'must not hold a card number');
export const errorCodeSchema = z.string().regex(ERROR_CODE_PATTERN, ERROR_CODE_RULE).refine(noCardNumber, 'must not hold a card number');
export const idempotencyKeySchema = z.string().regex(IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE);

/** A caller's request id is kept only when it is of our charset and holds no card number; otherwise we make our own. */
export function isAcceptableRequestId(value: string | undefined): value is string {
  return value !== undefined && REQUEST_ID_PATTERN.test(value) && !containsPan(value);
}
