import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseBody, parsePaymentId } from './schemas';

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
