import { createHmac } from 'node:crypto';
import type { DataKeyStore } from '../crypto/data-keys';
import { containsPan } from '../card-data/find-pans';
import { CUSTOMER_ID_PATTERN } from './identifiers';

/**
 * One rule for customer identifiers, whatever the door (API, webhooks, CLI; issue 29, case 1). A plain id of our set
 * (`CUSTOMER_ID_PATTERN`) is kept as it is. One that is itself personal data — an e-mail address, a phone number, a
 * person's name — is replaced by its keyed token before it reaches an event, a data key's name or a read model:
 * `ctok_` and the HMAC-SHA-256 of the normalised value under a key of its own (`ledger.data_keys`, owner
 * `token-key:customer-id`, wrapped by the master key like every data key, never forgotten). The same value always
 * gives the same token, so the customer's payments keep one data key and `forget` takes the raw id and derives it.
 */
export type CustomerIdKind = 'plain' | 'personal' | 'invalid';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@.]{2,63}$/u;
const PHONE = /^\+?[\d\s().\-/]{7,32}$/;
const NAME = /^\p{L}[\p{L}\p{M}'’.-]*(?:\s+[\p{L}\p{M}'’.-]+)+$/u;
const TOKEN_KEY_OWNER = 'token-key:customer-id';
const TOKEN_PREFIX = 'ctok_';
const REFERENCE_PREFIX = 'rtok_';
/** An e-mail address anywhere in a value: a domain of letters, digits and dashes (so `ref@refund:evt.1` is none). */
const EMAIL_INSIDE = /[^\s@]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const MAX_LENGTH = 255;

const digitsOf = (value: string) => value.replace(/\D/g, '');

/** A phone number as written (a `+`, or digits grouped by spaces, brackets, dots, dashes); a bare number is an id (Paystack's are). */
function isPhoneNumber(value: string): boolean {
  if (!PHONE.test(value)) return false;
  const digits = digitsOf(value).length;
  return digits >= 7 && digits <= 15 && (value.startsWith('+') || /\d[\s().\-/]+\d/.test(value));
}

export function classifyCustomerId(value: string): CustomerIdKind {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > MAX_LENGTH || containsPan(value)) return 'invalid';
  if (EMAIL.test(trimmed) || isPhoneNumber(trimmed) || NAME.test(trimmed.normalize('NFC'))) return 'personal';
  return CUSTOMER_ID_PATTERN.test(value) ? 'plain' : 'invalid';
}

/** What the token is computed over: e-mail addresses in lower case, phone numbers as their digits, names folded. */
function normalised(value: string): string {
  const trimmed = value.trim().normalize('NFC');
  if (EMAIL.test(trimmed)) return `email:${trimmed.toLowerCase()}`;
  if (isPhoneNumber(trimmed)) return `phone:${trimmed.startsWith('+') ? '+' : ''}${digitsOf(trimmed)}`;
  return `name:${trimmed.replace(/\s+/g, ' ').toLowerCase()}`;
}

export const CUSTOMER_ID_OR_PERSONAL_RULE =
  'must be 1-128 characters of A-Z, a-z, 0-9, _ . : or -, or the e-mail address, phone number or name the customer was given as';

export class InvalidCustomerIdError extends Error {
  readonly code = 'invalid_customer_id';
  constructor() {
    super(`customerId ${CUSTOMER_ID_OR_PERSONAL_RULE}`);
    this.name = 'InvalidCustomerIdError';
  }
}

export class CustomerTokens {
  constructor(private readonly keys: Pick<DataKeyStore, 'keyFor'>) {}

  /** The id to store: a plain id as it is, personal data as its token; anything else is refused. */
  async pseudonymOf(value: string): Promise<string> {
    const kind = classifyCustomerId(value);
    if (kind === 'invalid') throw new InvalidCustomerIdError();
    return kind === 'plain' ? value : this.tokenOf(value);
  }

  /** A provider's id: not ours to refuse, so anything not plain (personal, or outside our set) becomes a token. */
  async pseudonymOfProvided(value: string): Promise<string> {
    return classifyCustomerId(value) === 'plain' ? value : this.tokenOf(value);
  }

  /**
   * A provider reference (intent, charge, refund, dispute id, a Paystack reference) as stored: in clear, since
   * reconciliation matches on it, unless it holds an e-mail address or a card-like run: then its keyed token `rtok_…`
   * (issue 29, case 2). Not masked: two references masked alike would collide; two tokens never do, and the same
   * reference from the API and from a webhook gives the same token, so they still match.
   */
  async providerReferenceOf(value: string): Promise<string> {
    if (!EMAIL_INSIDE.test(value) && !containsPan(value)) return value;
    const { key } = await this.keys.keyFor(TOKEN_KEY_OWNER);
    return REFERENCE_PREFIX + createHmac('sha256', key).update(`reference:${value}`).digest('base64url');
  }

  private async tokenOf(value: string): Promise<string> {
    const { key } = await this.keys.keyFor(TOKEN_KEY_OWNER);
    return TOKEN_PREFIX + createHmac('sha256', key).update(normalised(value)).digest('base64url');
  }
}
