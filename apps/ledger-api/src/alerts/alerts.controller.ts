import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { ALERT_STATUSES, acknowledgeAlert, listAlerts, type AlertStatus } from '@ledger/monitoring';
import { PG_POOL } from '@ledger/platform';
import { RequireScope } from '../auth/require-scope.decorator';
import { ApiError, validationFailed } from '../http/api-error';
import { contextOf } from '../http/request-context';
import { RateLimit } from '../rate-limit/rate-limit.guard';

function parseQuery(query: Record<string, unknown>): { status?: AlertStatus; limit: number } {
  const { status, limit } = query;
  if (status !== undefined && !(ALERT_STATUSES as readonly unknown[]).includes(status)) {
    throw validationFailed([{ path: 'status', message: `must be one of ${ALERT_STATUSES.join(', ')}` }]);
  }
  const n = limit === undefined ? 100 : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw validationFailed([{ path: 'limit', message: 'must be an integer from 1 to 1000' }]);
  return { status: status as AlertStatus | undefined, limit: n };
}

/**
 * Alert history (monitoring.alerts, written by apps/alert-worker). Acknowledging
 * needs `admin`: the only write scope that moves no money (see the alerts docs).
 */
@ApiTags('alerts')
@ApiBearerAuth()
@RateLimit('api')
@Controller('v1/alerts')
export class AlertsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @RequireScope('dashboard:read')
  @ApiOperation({ summary: 'Alert history, newest first; ?status=open|acknowledged|resolved, ?limit=1..1000' })
  async list(@Query() query: Record<string, unknown>) {
    return { alerts: await listAlerts(this.pool, parseQuery(query)) };
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Acknowledge an open alert (idempotent); a resolved alert answers 409' })
  async acknowledge(@Param('id') id: string, @Req() req: Request) {
    const result = await acknowledgeAlert(this.pool, id, contextOf(req).apiKey?.id ?? 'unknown');
    if (result.outcome === 'not_found') throw new ApiError(404, 'alert_not_found', `No alert ${id}`);
    if (result.outcome === 'resolved') throw new ApiError(409, 'alert_resolved', 'The alert is already resolved');
    return result.alert;
  }
}
