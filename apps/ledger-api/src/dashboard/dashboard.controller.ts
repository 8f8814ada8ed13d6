import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { PG_POOL } from '@ledger/platform';
import { DashboardQueries, queryActivity } from '@ledger/projections';
import { RequireScope } from '../auth/require-scope.decorator';
import { RateLimit } from '../rate-limit/rate-limit.guard';
import { parseActivity, parseFilter, parseList, parseVolume } from './dashboard.schemas';
import { PersonalDataRedactor } from './redact-personal';

/**
 * The dashboard of CONTRACT.md, answered from the read models only. Every
 * response says how far the projection behind it lags the event store.
 */
@ApiTags('dashboard')
@ApiBearerAuth()
@RequireScope('dashboard:read')
@RateLimit('api')
@Controller('v1/dashboard')
export class DashboardController {
  constructor(
    @Inject(DashboardQueries) private readonly queries: DashboardQueries,
    private readonly redactor: PersonalDataRedactor,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @Get('payments')
  @ApiOperation({ summary: 'Metrics, breakdown, volume over time, recent events, failed payments, errors and health' })
  async payments(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const filter = parseFilter(query);
    const [body] = await Promise.all([this.queries.payments(filter), this.lagHeaders(res)]);
    return { ...body, recentEvents: await this.redactor.redact(body.recentEvents) };
  }

  @Get('metrics')
  async metrics(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return this.withLag(res, this.queries.metrics(parseFilter(query)));
  }

  @Get('breakdown')
  async breakdown(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return this.withLag(res, this.queries.breakdown(parseFilter(query)));
  }

  @Get('volume')
  @ApiOperation({
    summary: 'Succeeded payments bucketed by the minute (the last 24 hours only), hour or day (UTC) they succeeded, per currency',
  })
  async volume(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return this.withLag(res, this.queries.volumeOverTime(parseVolume(query)));
  }

  /**
   * Per UTC minute and provider of the last 24 hours (at most): payments that succeeded and failed attempts, by
   * the time each event carries. The page draws payments per minute, the success rate and failures by provider.
   */
  @Get('activity')
  @ApiOperation({ summary: 'Per minute and provider (the last 24 hours at most): succeeded payments and failed attempts' })
  async activity(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return this.withLag(res, queryActivity(this.pool, parseActivity(query)));
  }

  @Get('recent-events')
  async recentEvents(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const { limit, ...filter } = parseList(query);
    return this.redactor.redact(await this.withLag(res, this.queries.recentEvents(limit ?? 50, filter)));
  }

  @Get('failed-payments')
  async failedPayments(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const { limit, ...filter } = parseList(query);
    return this.withLag(res, this.queries.failedPayments(limit ?? 20, filter));
  }

  @Get('errors')
  async errors(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return this.withLag(res, this.queries.errors(parseFilter(query)));
  }

  @Get('health')
  @ApiOperation({ summary: 'healthy / degraded / unhealthy with the issues behind it' })
  async health(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    return this.withLag(res, this.queries.health(undefined, parseFilter(query)));
  }

  private async withLag<T>(res: Response, body: Promise<T>): Promise<T> {
    const [value] = await Promise.all([body, this.lagHeaders(res)]);
    return value;
  }

  /** The slowest projection's lag: positions (counted up to a cap) and seconds behind the head. */
  private async lagHeaders(res: Response): Promise<void> {
    const lags = Object.values(await this.queries.lag());
    const positions = Math.max(0, ...lags.map((l) => l.positionsBehind));
    const capped = lags.some((l) => l.capped);
    res.setHeader('X-Projection-Lag-Positions', `${positions}${capped ? '+' : ''}`);
    res.setHeader('X-Projection-Lag-Seconds', String(Math.max(0, ...lags.map((l) => l.secondsBehind))));
    const head = lags.find((l) => l.headPosition)?.headPosition;
    if (head) res.setHeader('X-Event-Store-Head', head);
  }
}
