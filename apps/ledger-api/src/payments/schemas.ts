import { isIP } from 'node:net';
import { z } from 'zod';
import { isCountryCode } from '@ledger/fraud';
import { isKnownCurrency, PROVIDERS, REVIEW_DECISIONS } from '@ledger/payments-domain';
import { CUSTOMER_ID_PATTERN, CUSTOMER_ID_RULE, errorCodeSchema, PAYMENT_ID_PATTERN, PAYMENT_ID_RULE } from '@ledger/security';
import { validationFailed, type ErrorDetail } from '../http/api-error';

const PAYMENT_ID = PAYMENT_ID_PATTERN;

const paymentId = z.string().regex(PAYMENT_ID, PAYMENT_ID_RULE);
const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const amount = z
  .number({ error: 'must be an integer of minor units' })
  .int('must be an integer of minor units')
  .positive('must be positive')
  .max(Number.MAX_SAFE_INTEGER, 'must be at most 2^53-1');
const durationMs = z.number().int('must be an integer').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER);
const currency = z.string().refine(isKnownCurrency, 'must be a known ISO 4217 currency code');

const country = z.string().refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code (e.g. NG, US)');
const signalId = z.string().regex(/^[A-Za-z0-9_.:=+/-]{1,255}$/, 'must be 1-255 characters of A-Z, a-z, 0-9 and _ . : = + / -');

/** Risk signals (CONTRACT.md › "Fraud velocity"): personal data, sealed per customer, matched only by keyed tokens. */
const riskSignals = {
  ipAddress: z
    .string()
    .refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address')
    .optional(),
  ipCountry: country.optional(),
  cardFingerprint: signalId.optional(),
  cardCountry: country.optional(),
  deviceId: signalId.optional(),
  email: z.email('must be an e-mail address').max(320, 'must be at most 320 characters').optional(),
};

export const createPaymentBody = z.strictObject({
  ...riskSignals,
  paymentId: paymentId.optional(),
  provider: z.enum(PROVIDERS, { error: `must be one of ${PROVIDERS.join(', ')}` }),
  amount,
  currency,
  customerId: z.string().regex(CUSTOMER_ID_PATTERN, CUSTOMER_ID_RULE).optional(),
  description: text(1000).optional(),
  card: z
    .strictObject({
      token: text(255),
      brand: text(32).optional(),
      last4: z
        .string()
        .regex(/^\d{4}$/, 'must be exactly 4 digits')
        .optional(),
    })
    .optional(),
  metadata: z
    .record(text(64), z.string().max(500, 'must be at most 500 characters'))
    .refine((m) => Object.keys(m).length <= 50, 'must have at most 50 entries')
    .optional(),
});

export const startProcessingBody = z.strictObject({});

export const markSucceededBody = z.strictObject({
  providerPaymentId: text(255).optional(),
  processingTimeMs: durationMs.optional(),
});

export const markFailedBody = z.strictObject({
  errorCode: errorCodeSchema,
  errorMessage: text(1000).optional(),
  processingTimeMs: durationMs.optional(),
});

export const refundBody = z.strictObject({
  amount,
  reason: text(500).optional(),
  /** The provider's id of this refund (Stripe re_…), so the provider's later report of it is not counted again. */
  providerRefundId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be 1-255 characters of A-Z, a-z, 0-9, _ or -')
    .optional(),
});

export const fraudFlagBody = z.strictObject({
  reason: text(500),
  score: z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100').optional(),
});

const providerId = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be 1-255 characters of A-Z, a-z, 0-9, _ or -');

export const disputeBody = z.strictObject({
  reason: text(500),
  amount: amount.optional(),
  /** The provider's id of this dispute, so the provider's later report of it is not counted again. */
  providerDisputeId: providerId.optional(),
});

export const closeDisputeBody = z.strictObject({
  outcome: z.enum(['won', 'lost'], { error: 'must be won or lost' }),
});

/** A person's decision on the provider mismatch holding a payment (CONTRACT.md › "Money as providers move it"). */
export const reviewBody = z.strictObject({
  decision: z.enum(REVIEW_DECISIONS, { error: `must be one of ${REVIEW_DECISIONS.join(', ')}` }),
  note: text(1000),
});

export const DISPUTE_ID = /^[A-Za-z0-9_-]{1,255}$/;

/** Parses or throws 400 validation_failed naming every bad field (never its value). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body === undefined ? {} : body);
  if (result.success) return result.data;
  const details = result.error.issues.flatMap(toDetails);
  const onePerField = details.filter((d, i) => details.findIndex((e) => e.path === d.path) === i);
  throw validationFailed(onePerField.slice(0, 20));
}

export function parsePaymentId(id: string): string {
  if (PAYMENT_ID.test(id)) return id;
  throw validationFailed([{ path: 'id', message: PAYMENT_ID_RULE }]);
}

function toDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }));
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      const key = String(part).slice(0, 64);
      if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}
