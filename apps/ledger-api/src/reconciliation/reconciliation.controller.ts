import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Inject, Module, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { isProvider } from '@ledger/payments-domain';
import { PG_POOL } from '@ledger/platform';
import {
  ReportFormatError,
  ResolveBreakError,
  importReport,
  isBreakKind,
  listBreaks,
  reconciliationSummary,
  resolveBreak,
} from '@ledger/reconciliation';
import { RequireScope } from '../auth/require-scope.decorator';
import { ApiError, validationFailed } from '../http/api-error';
import { contextOf } from '../http/request-context';
import { RateLimit } from '../rate-limit/rate-limit.guard';

type QueryParams = Record<string, unknown>;

function only(query: QueryParams, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw validationFailed(unknown.map((path) => ({ path, message: 'unknown parameter' })));
  for (const [path, value] of Object.entries(query))
    if (typeof value !== 'string') throw validationFailed([{ path, message: 'give it once' }]);
}

/**
 * The file as sent. A body the JSON parser took (application/json, up to BODY_LIMIT) is its parsed value; any other
 * content type (text/csv, application/octet-stream) is streamed from the request, whatever its size.
 */
function bodyOf(req: Request): Readable {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  if (raw !== undefined && raw.length > 0) return Readable.from([raw]);
  if (req.body !== undefined && typeof req.body === 'object' && Object.keys(req.body as object).length > 0) {
    return Readable.from([JSON.stringify(req.body)]);
  }
  return req;
}

/** Settlement reconciliation (CONTRACT.md › Reconciliation): imports, summary, breaks and their resolution. */
@ApiTags('reconciliation')
@ApiBearerAuth()
@RateLimit('api')
@Controller('v1/reconciliation')
class ReconciliationController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post('imports')
  @RequireScope('finance:write')
  @ApiOperation({ summary: "Import a provider's payout report as downloaded; the same file again appends nothing (newLines: 0)" })
  async import(@Query() query: QueryParams, @Req() req: Request) {
    only(query, ['provider', 'format']);
    if (!isProvider(query.provider)) throw validationFailed([{ path: 'provider', message: 'stripe or paystack' }]);
    if (query.format !== 'csv' && query.format !== 'json') throw validationFailed([{ path: 'format', message: 'csv or json' }]);
    const actor = contextOf(req).apiKey?.id ?? 'unknown';
    try {
      const result = await importReport(this.store, {
        provider: query.provider,
        format: query.format,
        input: bodyOf(req),
        actor,
        now: new Date(),
      });
      return { importId: result.importId, lines: result.lines, newLines: result.newLines };
    } catch (error) {
      if (error instanceof ReportFormatError) throw validationFailed([{ path: '(body)', message: error.message }]);
      throw error;
    }
  }

  @Get('summary')
  @RequireScope('books:read')
  @ApiOperation({
    summary: 'Per provider and currency: reported and matched volume, reconciled share, fees, effective fee rate, open breaks',
  })
  summary(@Query() query: QueryParams) {
    only(query, ['provider', 'currency']);
    return reconciliationSummary(this.pool, {
      ...(query.provider ? { provider: String(query.provider) } : {}),
      ...(query.currency ? { currency: String(query.currency).toUpperCase() } : {}),
      now: new Date(),
    });
  }

  @Get('breaks')
  @RequireScope('books:read')
  @ApiOperation({ summary: 'Breaks, oldest first, with both sides, the suspense amount and age' })
  breaks(@Query() query: QueryParams) {
    only(query, ['status', 'kind']);
    if (query.status !== undefined && query.status !== 'open' && query.status !== 'resolved')
      throw validationFailed([{ path: 'status', message: 'open or resolved' }]);
    if (query.kind !== undefined && !isBreakKind(query.kind)) throw validationFailed([{ path: 'kind', message: 'a break kind' }]);
    return listBreaks(this.pool, {
      ...(query.status ? { status: query.status } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      now: new Date(),
    });
  }

  @Post('breaks/:breakId/resolve')
  @HttpCode(200)
  @RequireScope('finance:write')
  @ApiOperation({ summary: "Move a break's suspense amount to an account of the chart, with the actor and a note" })
  async resolve(@Param('breakId') breakId: string, @Body() body: unknown, @Req() req: Request) {
    const { account, note } = (typeof body === 'object' && body !== null ? body : {}) as { account?: unknown; note?: unknown };
    if (typeof account !== 'string') throw validationFailed([{ path: 'account', message: 'an account of the chart' }]);
    if (typeof note !== 'string') throw validationFailed([{ path: 'note', message: 'required' }]);
    try {
      return await resolveBreak(this.pool, this.store, {
        breakId,
        account,
        note,
        actor: contextOf(req).apiKey?.id ?? 'unknown',
        now: new Date(),
      });
    } catch (error) {
      if (!(error instanceof ResolveBreakError)) throw error;
      if (error.code === 'validation_failed') throw validationFailed([{ path: error.field ?? '(body)', message: error.message }]);
      throw new ApiError(error.code === 'break_not_found' ? 404 : 409, error.code, error.message);
    }
  }
}

@Module({ controllers: [ReconciliationController] })
export class ReconciliationModule {}
