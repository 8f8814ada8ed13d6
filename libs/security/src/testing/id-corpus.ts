/**
 * Test data: identifiers as clients and providers really make them, for the
 * detector's false-positive rate (none of these may be refused). Seeded, so a
 * failure names an id that fails again.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const HEX = '0123456789abcdef';

/** mulberry32: small, seeded, good enough to spread test ids. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const chars = (random: Random, alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[int(random, 0, alphabet.length - 1)]).join('');
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
// Between 2001-09-09 and 2033-05-18: every epoch in milliseconds of that time has 13 digits.
const epochMs = (random: Random): number => int(random, 1_000_000_000_000, 1_999_999_999_999);

function uuid(random: Random, version: 4 | 7): string {
  const hex = chars(random, HEX, 32).split('');
  if (version === 7) hex.splice(0, 12, ...epochMs(random).toString(16).padStart(12, '0').split(''));
  hex[12] = String(version);
  hex[16] = HEX[8 + int(random, 0, 3)];
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function ulid(random: Random): string {
  let time = epochMs(random);
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  return head + chars(random, CROCKFORD, 16);
}

function isoTimestamp(random: Random): string {
  const date = new Date(epochMs(random)).toISOString();
  const micros = pad(int(random, 0, 999_999), 6);
  const offset = `${random() < 0.5 ? '+' : '-'}${pad(int(random, 0, 14), 2)}:${pad(int(random, 0, 3) * 15, 2)}`;
  return [
    date,
    date.slice(0, 19) + 'Z',
    `${date.slice(0, 19)}.${micros}${offset}`,
    `${date.slice(0, 10)} ${date.slice(11, 19)}.${micros}+00`,
    date.slice(0, 10),
    date.replace(/[-:]/g, '').slice(0, 15) + 'Z',
  ][int(random, 0, 5)];
}

const STRIPE_PREFIXES = [
  'pi_3',
  'ch_3',
  're_3',
  'pi_1',
  'ch_1',
  're_1',
  'cus_',
  'evt_1',
  'evt_3',
  'pm_1',
  'po_1',
  'dp_1',
  'in_1',
  'txn_1',
  'seti_1',
];

const KINDS = {
  'UUID v4': (random: Random) => uuid(random, 4),
  'UUID v7': (random: Random) => uuid(random, 7),
  ULID: ulid,
  'Stripe id': (random: Random) => {
    const prefix = STRIPE_PREFIXES[int(random, 0, STRIPE_PREFIXES.length - 1)];
    return prefix + chars(random, BASE62, prefix === 'cus_' ? 14 : 24 - (prefix.length - prefix.indexOf('_') - 1));
  },
  'Paystack reference': (random: Random) =>
    [
      () => chars(random, BASE36, 10),
      () => chars(random, BASE62, 20),
      () => `AUTH_${chars(random, BASE36, 10)}`,
      () => `CUS_${chars(random, BASE36, 15)}`,
      () => `TRF_${chars(random, BASE36, 15)}`,
      () => `PSTK_${chars(random, BASE36, 10)}`,
      () => String(int(random, 1_000_000_000, 4_999_999_999)),
      () => `T${epochMs(random)}`,
    ][int(random, 0, 7)](),
  'ISO timestamp': isoTimestamp,
  'order number': (random: Random) =>
    [
      () => `ORD-${int(random, 2015, 2035)}-${pad(int(random, 1, 999_999), 6)}`,
      () => `ord_${chars(random, '0123456789', 8)}`,
      () => `#${int(random, 1001, 9_999_999)}`,
      () => `INV-${int(random, 2015, 2035)}-${pad(int(random, 1, 9999), 4)}`,
      () => `SO-${pad(int(random, 1, 99_999_999), 8)}`,
      () => `PO-${int(random, 2015, 2035)}-${pad(int(random, 1, 12), 2)}-${pad(int(random, 1, 999_999), 6)}`,
      () => `order-${epochMs(random)}`,
      () => `key-${random()}`,
    ][int(random, 0, 7)](),
} satisfies Record<string, (random: Random) => string>;

export type IdKind = keyof typeof KINDS;
export const ID_KINDS = Object.keys(KINDS) as IdKind[];

/** `perKind` ids of every kind, the same ones for the same seed. */
export function idCorpus(perKind: number, seed = 29): { kind: IdKind; id: string }[] {
  const random = generator(seed);
  return ID_KINDS.flatMap((kind) => Array.from({ length: perKind }, () => ({ kind, id: KINDS[kind](random) })));
}
