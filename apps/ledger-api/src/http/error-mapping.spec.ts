import { NotFoundException } from '@nestjs/common';
import { EventStoreUnavailableError, WrongExpectedVersionError } from '@ledger/event-store';
import { PaymentNotFoundError, RefundExceedsCapturedError } from '@ledger/payments-domain';
import { CardDataRejectedError } from '@ledger/security';
import { toApiError } from './error-mapping';

describe('Error mapping', () => {
  it.each([
    [new PaymentNotFoundError('p'), 404, 'payment_not_found'],
    [new RefundExceedsCapturedError(2, 1), 409, 'refund_exceeds_captured'],
    [new WrongExpectedVersionError('s', 1n, 2n), 409, 'concurrency_conflict'],
    [new CardDataRejectedError(['card.number']), 400, 'card_data_rejected'],
    [
      Object.assign(new SyntaxError('Unexpected token 4111111111111111'), { type: 'entity.parse.failed', status: 400 }),
      400,
      'malformed_json',
    ],
    [Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 }), 413, 'payload_too_large'],
    [new NotFoundException('Cannot GET /4111111111111111'), 404, 'not_found'],
    [new Error('boom: secret detail'), 500, 'internal_error'],
  ])('maps %p to %i %s without echoing the input', (error, status, code) => {
    const mapped = toApiError(error);
    expect({ status: mapped.status, code: mapped.code }).toEqual({ status, code });
    expect(JSON.stringify(mapped.toBody())).not.toMatch(/4111|secret detail/);
  });

  // Issue 16 (chaos): with PostgreSQL stopped every request answered 500; nothing was decided, so 503 and retry.
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['refused on every address', new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })], 'connect failed')],
    ['terminated by the server', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['still starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['lost mid-query', new Error('Connection terminated unexpectedly')],
  ])('maps a database outage (%s) to 503 database_unavailable with Retry-After', (_label, error) => {
    const mapped = toApiError(error);
    expect({ status: mapped.status, code: mapped.code, headers: mapped.headers }).toEqual({
      status: 503,
      code: 'database_unavailable',
      headers: { 'Retry-After': '1' },
    });
  });

  // Issue 35 (the EventStoreDB cluster's chaos runs): with the leader killed or the cluster restarting, 500s.
  it('maps an EventStoreDB outage or leader change to 503 event_store_unavailable with Retry-After', () => {
    const mapped = toApiError(new EventStoreUnavailableError('EventStoreDB: 14 UNAVAILABLE: read ECONNRESET'));
    expect({ status: mapped.status, code: mapped.code, headers: mapped.headers }).toEqual({
      status: 503,
      code: 'event_store_unavailable',
      headers: { 'Retry-After': '1' },
    });
    expect(JSON.stringify(mapped.toBody())).not.toContain('ECONNRESET');
  });

  it('lists card-data paths as details', () => {
    expect(toApiError(new CardDataRejectedError(['metadata.note'])).toBody().error.details).toEqual([
      { path: 'metadata.note', message: 'card data is not accepted' },
    ]);
  });
});
