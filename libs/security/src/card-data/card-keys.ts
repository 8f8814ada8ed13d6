/**
 * Field names that announce card data. A key is split into words (camelCase,
 * snake_case, kebab-case, digits) and lower-cased. Tokens no ordinary word
 * contains (cvv, cvc, securitycode, …) match anywhere in the joined name, so
 * `cardCvv`, `cvvCode` and `card_cvc` are caught; the short ones that hide in
 * ordinary words (pin in shipping, pan in company, cid in decided, track in
 * tracking) match only as a whole word.
 */
const ANYWHERE = [
  'cvv',
  'cvc',
  'cvn',
  'csc',
  'securitycode',
  'cardcode',
  'cardverification',
  'verificationvalue',
  'cardnumber',
  'cardnum',
  'cardno',
  'ccnumber',
  'ccnum',
  'primaryaccountnumber',
  'pinblock',
  'pincode',
  'pinnumber',
  'cardpin',
  'cardpan',
  'pannumber',
  'cardcid',
  'trackdata',
  'track1',
  'track2',
  'magstripe',
  'magneticstripe',
];
const WHOLE_WORD = new Set(['pin', 'pan', 'cid', 'ccv', 'track', 'cvv', 'cvc', 'cvn', 'csc', 'cvd']);
/** `cvc_check: "pass"` (Stripe) reports a check's outcome, and a `cvcToken` stands in for the code: neither is the code. */
const NOT_THE_VALUE = new Set(['check', 'checks', 'result', 'status', 'present', 'provided', 'required', 'token']);

const EXPIRY_KEYS = new Set([
  'expiry',
  'expirydate',
  'exp',
  'expdate',
  'expmonth',
  'expyear',
  'expirationdate',
  'expirationmonth',
  'expirationyear',
]);

export function keyWords(key: string): string[] {
  return key
    .normalize('NFKC')
    .replace(/(\p{Ll}|\p{Nd})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\p{Nd})|(\p{Nd})(\p{L})/gu, '$1$3 $2$4')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** Enough for the fixed names (`number`, expiry fields) compared whole. */
const plain = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

// Field names repeat endlessly (every log line, every body): each is judged once.
function memoised(judge: (key: string) => boolean): (key: string) => boolean {
  const judged = new Map<string, boolean>();
  return (key) => {
    if (key.length > 64) return judge(key);
    let verdict = judged.get(key);
    if (verdict === undefined) {
      verdict = judge(key);
      if (judged.size >= 10_000) judged.clear();
      judged.set(key, verdict);
    }
    return verdict;
  };
}

/** Whether a field of this name holds card data (when it holds anything). */
export const isSensitiveKey = memoised((key) => {
  const words = keyWords(key);
  if (words.length === 0 || NOT_THE_VALUE.has(words[words.length - 1])) return false;
  const joined = words.join('');
  return words.some((w) => WHOLE_WORD.has(w)) || ANYWHERE.some((token) => joined.includes(token));
});

/** `number` alone is only card data in a card context: elsewhere it is a house, phone or invoice number. */
export function isCardDataKey(key: string, inCardContext: boolean): boolean {
  return isSensitiveKey(key) || (inCardContext && plain(key) === 'number');
}

export const isCardLikeKey = memoised((key) => keyWords(key).some((w) => w === 'card' || w === 'cards' || w.endsWith('card')));

/** An object carrying an expiry beside its fields is a card object wherever it sits. */
export function looksLikeCardObject(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((k) => EXPIRY_KEYS.has(plain(k)));
}

/** Card context of a scan root such as `card` or `body.cards[0]`. */
export function isCardLikePath(path: string): boolean {
  const last =
    path
      .replace(/(\[[^\]]*\])+$/, '')
      .split('.')
      .pop() ?? '';
  return last !== '' && isCardLikeKey(last);
}

/** Whether a value carries anything: not null, false, blank, an empty list or an empty object. */
export function hasContent(value: unknown): boolean {
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
