import { assertNoCardData, CardDataRejectedError, maskCardData, scanForCardData } from './pci-guard';

const PAN = '4111111111111111';

describe('scanForCardData', () => {
  it('accepts the allowed card shape and ordinary payment fields', () => {
    const body = {
      provider: 'stripe',
      amount: 100000,
      currency: 'USD',
      card: { token: 'tok_visa', brand: 'visa', last4: '4242' },
      metadata: { orderId: 'ord_12345670', placedAt: '2024-01-15T10:30:00Z', trace: '550e8400-e29b-41d4-a716-446655440000' },
      shipping: { number: '221B', street: 'Baker Street' },
    };
    expect(scanForCardData(body)).toEqual([]);
  });

  it('names nested paths holding a PAN in a string', () => {
    const body = { metadata: { note: `customer paid with ${PAN.replace(/(\d{4})(?=\d)/g, '$1 ')}` } };
    expect(scanForCardData(body)).toEqual(['metadata.note']);
  });

  it('names array elements and PANs stored as numbers', () => {
    const body = { items: [{ sku: 'a' }, { sku: 'b' }, { pan: 'x', ref: 5555555555554444 }], tags: ['ok', PAN] };
    expect(scanForCardData(body)).toEqual(['items[2].pan', 'items[2].ref', 'tags[1]']);
  });

  it.each([
    ['cvv', { cvv: '123' }, 'cvv'],
    ['CVC2 in another case', { CVC2: '123' }, 'CVC2'],
    ['security_code', { payment: { security_code: '1234' } }, 'payment.security_code'],
    ['pin', { pin: 1234 }, 'pin'],
    ['pinBlock', { pinBlock: 'abcdef' }, 'pinBlock'],
    ['track2', { track2: ';4111=2512?' }, 'track2'],
    ['magstripe', { magstripe: 'x' }, 'magstripe'],
    ['card_number without a valid PAN', { card_number: '4111' }, 'card_number'],
    ['primary-account-number', { 'primary-account-number': '1' }, '["primary-account-number"]'],
    ['number under a card parent', { card: { token: 't', number: '4111 1111' } }, 'card.number'],
    ['number under a cards array', { cards: [{ number: '1' }] }, 'cards[0].number'],
    ['number beside an expiry', { source: { number: '42', exp_month: 12 } }, 'source.number'],
    ['card_cvc', { card_cvc: '123' }, 'card_cvc'],
    ['cardCvv', { cardCvv: '123' }, 'cardCvv'],
    ['cvvCode', { cvvCode: '123' }, 'cvvCode'],
    ['cvn', { cvn: '123' }, 'cvn'],
    ['cid', { cid: '1234' }, 'cid'],
    ['PIN code', { 'PIN code': '0000' }, '["PIN code"]'],
    ['cardPIN', { cardPIN: '0000' }, 'cardPIN'],
    ['track_1', { track_1: '%B4111' }, 'track_1'],
    ['cardCode', { cardCode: '123' }, 'cardCode'],
  ])('flags the card-data key %s', (_label, body, path) => {
    expect(scanForCardData(body)).toEqual([path]);
  });

  it('finds PANs in rendered forms and in list items one at a time', () => {
    expect(scanForCardData({ note: '4111.1111.1111.1111', list: ['4111', '1111', '1111', '1111'] })).toEqual(['note']);
  });

  it('does not treat expiry alone, or empty sensitive keys, as card data', () => {
    expect(scanForCardData({ card: { token: 't', expiry: '12/29' }, cvv: '', pin: null, track: [] })).toEqual([]);
  });

  it('treats number as card data at the top of a card object given as root', () => {
    expect(scanForCardData({ number: '42' }, 'card')).toEqual(['card.number']);
    expect(scanForCardData({ number: '42' })).toEqual([]);
  });

  it('never puts a value into a path, even when the key is a PAN', () => {
    const paths = scanForCardData({ metadata: { [PAN]: 'x' } });
    expect(paths).toEqual(['metadata["**** **** **** 1111"]']);
    expect(paths.join()).not.toContain(PAN);
  });

  it('survives cycles', () => {
    const body: Record<string, unknown> = { note: PAN };
    body.self = body;
    expect(scanForCardData(body)).toEqual(['note']);
  });
});

describe('assertNoCardData', () => {
  it('throws a coded error naming the fields but not the values', () => {
    let caught: unknown;
    try {
      assertNoCardData({ cvv: '987', metadata: { note: PAN } }, 'body');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CardDataRejectedError);
    const rejected = caught as CardDataRejectedError;
    expect(rejected.code).toBe('card_data_rejected');
    expect(rejected.fields).toEqual(['body.cvv', 'body.metadata.note']);
    expect(rejected.message).not.toContain('987');
    expect(rejected.message).not.toContain(PAN);
  });

  it('passes clean input', () => {
    expect(() => assertNoCardData({ card: { token: 't', last4: '1111' } })).not.toThrow();
  });
});

describe('maskCardData', () => {
  it('masks PANs to last four, redacts sensitive keys and leaves the input untouched', () => {
    const payload = {
      data: { card: { last4: '4242', number: PAN, cvc: '123' }, description: `pan ${PAN}`, amount: 5000 },
      list: [{ pin: '0000' }, 378282246310005],
    };
    const snapshot = structuredClone(payload);
    expect(maskCardData(payload)).toEqual({
      data: {
        card: { last4: '4242', number: '[REDACTED]', cvc: '[REDACTED]' },
        description: 'pan **** **** **** 1111',
        amount: 5000,
      },
      list: [{ pin: '[REDACTED]' }, '**** **** **** 0005'],
    });
    expect(payload).toEqual(snapshot);
    expect(scanForCardData(maskCardData(payload))).toEqual([]);
  });
});

describe('maskCardData on what a provider may send', () => {
  it('replaces characters the database cannot store, keeping tabs and line breaks', () => {
    expect(maskCardData({ description: 'a\u0000b\tc\nd\ud800', ['k\u0001']: 'v' })).toEqual({
      description: 'a\ufffdb\tc\nd\ufffd',
      'k\ufffd': 'v',
    });
  });

  it("keeps an own __proto__ key an own property: never the copy's prototype, never read through", () => {
    const payload = JSON.parse('{"metadata":{"__proto__":{"paymentId":"pay_foreign"},"order":"1"}}') as { metadata: object };
    const masked = maskCardData(payload);
    expect(Object.getPrototypeOf(masked.metadata)).toBe(Object.prototype);
    expect((masked.metadata as Record<string, unknown>).paymentId).toBeUndefined();
    expect(Object.keys(masked.metadata)).toEqual(['__proto__', 'order']);
    expect(JSON.stringify(masked)).toBe('{"metadata":{"__proto__":{"paymentId":"pay_foreign"},"order":"1"}}');
  });

  it("replaces bidi overrides and isolates in a provider's text", () => {
    expect(maskCardData({ reason: 'fraud\u202Eevil\u2066x\u2069', name: '\u200Fשלום' })).toEqual({
      reason: 'fraud\ufffdevil\ufffdx\ufffd',
      name: '\u200Fשלום',
    });
  });
});
