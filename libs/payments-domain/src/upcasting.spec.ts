import { UnsupportedSchemaVersionError } from './errors';
import { CURRENT_SCHEMA_VERSION } from './events';
import { events } from './testing/fixtures';
import { schemaVersionOf, toPaymentEvent, upcast } from './upcasting';

describe('Upcasting stored events', () => {
  it('returns current-version data unchanged', () => {
    const { data } = events.refunded(100, 100);
    expect(upcast('PaymentRefunded', data, CURRENT_SCHEMA_VERSION)).toBe(data);
  });

  it.each([0, CURRENT_SCHEMA_VERSION + 1, 1.5])('refuses schema version %p', (version) => {
    expect(() => upcast('PaymentCreated', {}, version)).toThrow(UnsupportedSchemaVersionError);
  });

  it('reads an event without a schema version as version 1', () => {
    expect(schemaVersionOf({ type: 'PaymentProcessing', data: {}, metadata: {} })).toBe(1);
    expect(schemaVersionOf({ type: 'PaymentProcessing', data: {} })).toBe(1);
  });

  it('turns a stored event into a domain event', () => {
    const stored = { type: 'PaymentRefunded', data: events.refunded(100, 100).data, metadata: { schemaVersion: 1 } };
    expect(toPaymentEvent(stored)).toEqual({ type: 'PaymentRefunded', data: stored.data });
  });

  it('refuses a stored event from a newer writer', () => {
    const stored = { type: 'PaymentCreated', data: {}, metadata: { schemaVersion: CURRENT_SCHEMA_VERSION + 1 } };
    expect(() => toPaymentEvent(stored)).toThrow(UnsupportedSchemaVersionError);
  });
});
