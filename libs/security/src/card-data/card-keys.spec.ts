import { isCardDataKey, isSensitiveKey, keyWords } from './card-keys';

describe('keyWords', () => {
  it('splits camelCase, snake_case, kebab-case, acronyms and digits', () => {
    expect(keyWords('cardCVV2_code')).toEqual(['card', 'cvv', '2', 'code']);
    expect(keyWords('PINBlock')).toEqual(['pin', 'block']);
    expect(keyWords('track-2 data')).toEqual(['track', '2', 'data']);
  });
});

describe('isSensitiveKey', () => {
  it.each([
    'cvv',
    'CVV2',
    'cvc',
    'card_cvc',
    'cardCvv',
    'cvvCode',
    'cvv2code',
    'cvn',
    'cid',
    'csc',
    'ccv',
    'securityCode',
    'security_code',
    'card-security-code',
    'cardCode',
    'pin',
    'PIN',
    'pinCode',
    'pincode',
    'card_pin',
    'pinBlock',
    'pan',
    'PAN',
    'cardPan',
    'pan_number',
    'cardNumber',
    'card_no',
    'ccnum',
    'primaryAccountNumber',
    'track',
    'track1',
    'track_2',
    'trackData',
    'magstripe',
    'cardVerificationValue',
  ])('flags %s', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  // Every field name in our request schemas, event shapes and the providers' payloads we map, plus words that
  // contain a short sensitive token (pin, pan, cid, track) without meaning it.
  it.each([
    'paymentId',
    'providerPaymentId',
    'customerId',
    'provider',
    'amount',
    'currency',
    'description',
    'card',
    'token',
    'brand',
    'last4',
    'metadata',
    'processingTimeMs',
    'errorCode',
    'errorMessage',
    'reason',
    'score',
    'outcome',
    'providerRefundId',
    'providerDisputeId',
    'disputeId',
    'idempotencyKey',
    'correlationId',
    'causationId',
    'sourceIp',
    'deliveryId',
    'occurredAt',
    'recordedAt',
    'eventId',
    'streamId',
    'revision',
    'position',
    'shipping',
    'shippingAddress',
    'company',
    'companyName',
    'decided',
    'decidedAt',
    'incident',
    'incidentId',
    'accident',
    'spinner',
    'pinned',
    'opinion',
    'expand',
    'span',
    'panel',
    'japan',
    'tracking',
    'trackingNumber',
    'transaction',
    'capacity',
    'postcode',
    'zipCode',
    'promoCode',
    'countryCode',
    'authorization_code',
    'cvc_check',
    'cvcToken',
    'address_line1_check',
    'exp_month',
    'fingerprint',
    'funding',
    'bin',
    'three_d_secure',
    'payment_method_details',
    'receipt_number',
    'invoice',
    'account_name',
    'channel',
    'signature',
  ])('leaves %s alone', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });
});

describe('isCardDataKey', () => {
  it('flags number only in a card context', () => {
    expect(isCardDataKey('number', true)).toBe(true);
    expect(isCardDataKey('number', false)).toBe(false);
    expect(isCardDataKey('houseNumber', true)).toBe(false);
  });
});
