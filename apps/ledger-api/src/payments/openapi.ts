import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/** OpenAPI from the same zod schemas that validate, so the docs cannot drift from the checks. */
export function CommandDocs(summary: string, body: z.ZodType, status: number, keyRequired = false) {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiBearerAuth(),
    ApiHeader({ name: 'Idempotency-Key', required: keyRequired, description: 'Up to 255 printable characters' }),
    ApiBody({ schema: z.toJSONSchema(body, { io: 'input' }) as Record<string, unknown> }),
    ApiResponse({ status, description: 'The payment after the command' }),
    ApiResponse({ status: 400, description: 'validation_failed, card_data_rejected, idempotency_key_required' }),
    ApiResponse({ status: 409, description: 'A state-machine error with its code, or idempotency_key_in_use' }),
    ApiResponse({ status: 422, description: 'idempotency_key_reused' }),
    ApiResponse({ status: 429, description: 'rate_limited' }),
  );
}
