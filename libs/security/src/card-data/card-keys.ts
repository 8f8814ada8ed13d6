const normalize = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

const CARD_DATA_KEYS = new Set([
  'cardnumber',
  'cardno',
  'cardnum',
  'ccnumber',
  'creditcardnumber',
  'pan',
  'primaryaccountnumber',
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'csc',
  'securitycode',
  'cardsecuritycode',
  'pin',
  'pinblock',
  'track',
  'track1',
  'track2',
  'trackdata',
  'magstripe',
]);

const EXPIRY_KEYS = new Set(['expiry', 'expirydate', 'exp', 'expdate', 'expmonth', 'expyear', 'expirationdate', 'expirationmonth', 'expirationyear']);

/** `number` alone is only card data in a card context: elsewhere it is a house, phone or invoice number. */
export function isCardDataKey(key: string, inCardContext: boolean): boolean {
  const k = normalize(key);
  return CARD_DATA_KEYS.has(k) || (inCardContext && k === 'number');
}

export function isCardLikeKey(key: string): boolean {
  return normalize(key).includes('card');
}

/** An object carrying an expiry beside its fields is a card object wherever it sits. */
export function looksLikeCardObject(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((k) => EXPIRY_KEYS.has(normalize(k)));
}

/** Card context of a scan root such as `card` or `body.cards[0]`. */
export function isCardLikePath(path: string): boolean {
  const last = path.replace(/(\[[^\]]*\])+$/, '').split('.').pop() ?? '';
  return last !== '' && isCardLikeKey(last);
}

export function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
