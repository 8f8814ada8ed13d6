import { customerIdSchema, IDEMPOTENCY_KEY_PATTERN, isAcceptableRequestId, paymentIdSchema } from './identifiers';

describe('identifier character sets', () => {
  it.each(['cus_NffrFeUfNV2Hib', 'tenant:42.customer-7', 'c1'])('accepts the customer id %s', (id) => {
    expect(customerIdSchema.safeParse(id).success).toBe(true);
  });

  it.each(['jane@example.com', 'a b', '', 'x'.repeat(129), 'ü', '4111-1111-1111-1111', 'c\u0000'])('refuses the customer id %j', (id) => {
    expect(customerIdSchema.safeParse(id).success).toBe(false);
  });

  it('refuses a payment id holding a card number or a dot', () => {
    expect(paymentIdSchema.safeParse('pay_4111111111111111').success).toBe(false);
    expect(paymentIdSchema.safeParse('pay.1').success).toBe(false);
    expect(paymentIdSchema.safeParse('pay_1').success).toBe(true);
  });

  it('takes UUIDs, prefixed keys and base64 as idempotency keys, but no spaces, quotes or @', () => {
    for (const key of ['550e8400-e29b-41d4-a716-446655440000', 'create-1', '0.123', 'aGVsbG8+/w=='])
      expect(IDEMPOTENCY_KEY_PATTERN.test(key)).toBe(true);
    for (const key of ['a b', '"x"', 'me@example.com', 'k'.repeat(256)]) expect(IDEMPOTENCY_KEY_PATTERN.test(key)).toBe(false);
  });

  it('keeps a request id only when it is of the charset and holds no card number', () => {
    expect(isAcceptableRequestId('corr-123')).toBe(true);
    expect(isAcceptableRequestId(undefined)).toBe(false);
    expect(isAcceptableRequestId('req 1')).toBe(false);
    expect(isAcceptableRequestId('4111-1111-1111-1111')).toBe(false);
  });
});
