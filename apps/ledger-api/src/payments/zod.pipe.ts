import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { validationFailed } from '../http/api-error';
import { DISPUTE_ID, parseBody, parsePaymentId } from './schemas';

/** A body validated by its zod schema, or 400 validation_failed naming every bad field (never its value). */
export class ZodBody<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return parseBody(this.schema, value);
  }
}

@Injectable()
export class PaymentIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return parsePaymentId(value);
  }
}

@Injectable()
export class DisputeIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (DISPUTE_ID.test(value)) return value;
    throw validationFailed([{ path: 'disputeId', message: 'must be 1-255 characters of A-Z, a-z, 0-9, _ or -' }]);
  }
}
