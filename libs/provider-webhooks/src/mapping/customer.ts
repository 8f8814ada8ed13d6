import { classifyCustomerId, errorCodeSchema } from '@ledger/security';
import type { PaymentFacts } from './intent';

/**
 * A provider's customer id through the API's rule (libs/security customer-ids, issue 29, case 1): a plain id of our
 * set is the customer id; anything else (an e-mail address, a phone number, a name, a value outside our set) is
 * carried apart as `personalCustomerId`, which nothing plans with: the webhook door replaces it by its keyed token.
 */
export function customerFacts(raw: string | undefined): Pick<PaymentFacts, 'customerId' | 'personalCustomerId'> {
  if (raw === undefined) return {};
  return classifyCustomerId(raw) === 'plain' ? { customerId: raw } : { personalCustomerId: raw };
}

/** A provider's error code, kept in clear only when it is an identifier (issue 29, case 2); anything else is no code. */
export function errorCodeOf(value: string | undefined): string | undefined {
  return value !== undefined && errorCodeSchema.safeParse(value).success ? value : undefined;
}
