import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { z } from 'zod';
import { flagsByRule } from '@ledger/fraud';
import { PG_POOL } from '@ledger/platform';
import { RequireScope } from '../auth/require-scope.decorator';
import { parseBody } from '../payments/schemas';
import { RateLimit } from '../rate-limit/rate-limit.guard';

const DAY = 86_400_000;
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));
const query = z
  .strictObject({
    granularity: z.enum(['hour', 'day'], { error: 'must be one of hour, day' }).default('hour'),
    from: instant.optional(),
    to: instant.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

/**
 * The page's "flags by rule over time" (issue 30): the fraud-velocity manager's flags per rule and hour (the
 * last 24 hours by default) or day (the last 30), from the manager's own table through libs/fraud.
 */
@ApiTags('dashboard')
@ApiBearerAuth()
@RequireScope('dashboard:read')
@RateLimit('api')
@Controller('v1/dashboard')
export class FraudVelocityController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('fraud-velocity')
  @ApiOperation({ summary: 'Fraud velocity flags (and trips) per rule and hour or day (UTC), by the event time that decided them' })
  async fraudVelocity(@Query() raw: unknown) {
    const q = parseBody(query, raw);
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - (q.granularity === 'day' ? 30 * DAY : DAY));
    return {
      granularity: q.granularity,
      from: from.toISOString(),
      to: to.toISOString(),
      buckets: await flagsByRule(this.pool, { from, to, granularity: q.granularity }),
    };
  }
}
