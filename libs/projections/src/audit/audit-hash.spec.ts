import { GENESIS_HASH, canonicalJson, rowHash, type AuditRowContent } from './audit-hash';

const row: AuditRowContent = {
  commitPosition: 10n,
  preparePosition: 3n,
  streamId: 'payment-1',
  revision: 0n,
  eventId: 'A0000000-0000-4000-8000-000000000000',
  eventType: 'PaymentCreated',
  actor: 'key_1',
  sourceIp: null,
  occurredAt: new Date('2025-01-01T00:00:00Z'),
  recordedAt: new Date('2025-01-01T00:00:01Z'),
  data: { b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } },
  metadata: {},
};

describe('Audit hash', () => {
  it('serialises objects with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('hashes equal content equally whatever the key order', () => {
    expect(rowHash(GENESIS_HASH, row)).toEqual(rowHash(GENESIS_HASH, { ...row, data: { a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 } }));
  });

  it('changes with the content and with the previous hash', () => {
    const h = rowHash(GENESIS_HASH, row);
    expect(rowHash(GENESIS_HASH, { ...row, revision: 1n })).not.toEqual(h);
    expect(rowHash(h, row)).not.toEqual(h);
  });
});
