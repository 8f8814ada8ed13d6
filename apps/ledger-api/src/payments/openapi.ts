import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { Idempotent } from '../idempotency/idempotency.interceptor';

/**
 * A command endpoint: its success status, its Idempotency-Key, and OpenAPI from
 * the same zod schema that validates, so the docs cannot drift from the checks.
 */
export function CommandRoute(summary: string, body: z.ZodType, status: 200 | 201, keyRequired = false) {
  return applyDecorators(
    HttpCode(status),
    Idempotent({ required: keyRequired }),
    ApiOperation({ summary }),
    ApiBearerAuth(),
    ApiHeader({
      name: 'Idempotency-Key',
      required: keyRequired,
      description: '1-255 characters of A-Z, a-z, 0-9, _ . : = + / or -; scoped to the API key',
    }),
    ApiBody({ schema: z.toJSONSchema(body, { io: 'input' }) as Record<string, unknown> }),
    ApiResponse({ status, description: 'The payment after the command' }),
    ApiResponse({ status: 400, description: 'validation_failed, card_data_rejected, idempotency_key_required' }),
    ApiResponse({ status: 409, description: 'A state-machine error with its code, or idempotency_key_in_use' }),
    ApiResponse({ status: 422, description: 'idempotency_key_reused' }),
    ApiResponse({ status: 429, description: 'rate_limited' }),
  );
}
