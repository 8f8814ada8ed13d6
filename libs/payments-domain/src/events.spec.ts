import {
  PAYMENT_EVENT_TYPES,
  PAYMENT_STREAM_PREFIX,
  PROVIDERS,
  isPaymentEventType,
  isProvider,
  paymentIdFromStream,
  paymentStreamId,
} from './events';

describe('Payment events', () => {
  it('names the stored event types, the first seven in their original order', () => {
    expect(PAYMENT_EVENT_TYPES).toEqual([
      'PaymentCreated',
      'PaymentProcessing',
      'PaymentSucceeded',
      'PaymentFailed',
      'PaymentRefunded',
      'PaymentFraudFlagged',
      'PaymentDisputed',
      'PaymentRefundReported',
      'PaymentRefundReversed',
      'PaymentRefundMismatch',
      'PaymentDisputeClosed',
      'PaymentAttemptFailed',
      'PaymentProviderMismatch',
      'PaymentMismatchReviewed',
      'PaymentDisputeLinked',
    ]);
    expect(isPaymentEventType('PaymentRefunded')).toBe(true);
    expect(isPaymentEventType('PaymentDeleted')).toBe(false);
  });

  it('knows the providers', () => {
    expect(PROVIDERS).toEqual(['stripe', 'paystack']);
    expect(isProvider('paystack')).toBe(true);
    expect(isProvider('paypal')).toBe(false);
  });

  describe('streams', () => {
    it('names one stream per payment', () => {
      expect(PAYMENT_STREAM_PREFIX).toBe('payment-');
      expect(paymentStreamId('pay_1')).toBe('payment-pay_1');
    });

    it('reads the payment id back, including ids that contain dashes', () => {
      expect(paymentIdFromStream(paymentStreamId('a-b-c'))).toBe('a-b-c');
    });

    it.each(['payments-1', 'order-1', 'payment-', '$all'])('is not a payment stream: %p', (stream) => {
      expect(paymentIdFromStream(stream)).toBeUndefined();
    });
  });
});
