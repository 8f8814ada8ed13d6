import { NotFoundException } from '@nestjs/common';
import { WrongExpectedVersionError } from '@ledger/event-store';
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

  it('lists card-data paths as details', () => {
    expect(toApiError(new CardDataRejectedError(['metadata.note'])).toBody().error.details).toEqual([
      { path: 'metadata.note', message: 'card data is not accepted' },
    ]);
  });
});
