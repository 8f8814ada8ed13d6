import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { PROVIDERS } from '@ledger/payments-domain';
import { listAlerts } from '@ledger/monitoring';
import { PG_POOL } from '@ledger/platform';
import { DashboardQueries } from '@ledger/projections';
import { holdKeySession } from '../../auth/key-sessions';
import { RequireScope } from '../../auth/require-scope.decorator';
import { contextOf } from '../../http/request-context';
import { RateLimit } from '../../rate-limit/rate-limit.guard';
import { ProjectionListener } from './projection-listener';

/** Several commits within this window become one event: the page refetches once, not per batch. */
const COALESCE_MS = 150;
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events telling a dashboard that the read models moved. The key
 * goes in the Authorization header (the page reads this with a fetch stream,
 * since EventSource cannot send headers), never in the URL.
 */
@ApiTags('dashboard')
@ApiBearerAuth()
@RequireScope('dashboard:read')
@RateLimit('api')
@Controller('v1/dashboard')
export class DashboardLiveController {
  constructor(
    @Inject(ProjectionListener) private readonly listener: ProjectionListener,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(DashboardQueries) private readonly queries: DashboardQueries,
  ) {}

  /**
   * What the live page needs beside GET /v1/dashboard/payments, /volume and /activity,
   * in one request: health per provider, the projections' lag, the open alerts, and the
   * currencies in use (the page's currency filter lists those, not all of ISO 4217).
   * Fewer requests per refresh keep a watching tab inside the `api` rate limit.
   */
  @Get('board')
  @ApiOperation({ summary: 'Health per provider (unhealthy while a projection is stalled), projections, open alerts: the live page' })
  async board() {
    const [health, projections, openAlerts, metrics] = await Promise.all([
      Promise.all(PROVIDERS.map(async (provider) => [provider, await this.queries.health(undefined, { provider })] as const)),
      this.projections(),
      listAlerts(this.pool, { status: 'open' }),
      this.queries.metrics(),
    ]);
    const currencies = metrics.volumes.map((v) => v.currency).sort();
    return { health: Object.fromEntries(health), projections, openAlerts, currencies };
  }

  /** Who signed in: the page shows acknowledge buttons only to `admin` keys. The key itself is never echoed. */
  @Get('session')
  session(@Req() req: Request) {
    const key = contextOf(req).apiKey;
    return { name: key?.name ?? null, scopes: key?.scopes ?? [] };
  }

  /**
   * Each projection's lag against the true head, its checkpoint age (how long ago
   * its checkpoint last moved, i.e. how old the freshest read model is; not the
   * read horizon's age, which `lag.horizonAgeSeconds` is) and its stall (`stall.stalled`, `stall.waitedSeconds`: the projection_stalled alert's
   * definition), from the dashboard's lag measurement (at most one a second).
   */
  @Get('projections')
  @ApiOperation({
    summary: 'Per projection: events applied, lag (positions, seconds, read horizon age), checkpoint age in seconds and stall',
  })
  async projections() {
    const now = Date.now();
    const states = await this.queries.projections();
    return states.map((s) => ({
      ...s,
      checkpointAgeSeconds: Math.max(0, Math.round((now - Date.parse(s.updatedAt)) / 1000)),
    }));
  }

  @Get('stream')
  @ApiOperation({ summary: 'text/event-stream: `change` whenever a projection commits a batch (PostgreSQL LISTEN/NOTIFY)' })
  async stream(@Req() req: Request, @Res() res: Response): Promise<void> {
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    let pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      send('change', { projections: [...pending], at: new Date().toISOString() });
      pending = new Set();
    };
    let closed = false;
    let unsubscribe: () => void = () => undefined;
    let releaseKey: () => void = () => undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    // Nothing may write after the end (an error event, fatal to the process): every timer stops first.
    const quiet = () => {
      unsubscribe();
      releaseKey();
      clearInterval(heartbeat);
      clearTimeout(timer);
    };
    // Registered before the await: a client gone while LISTEN was being set up must not leave a subscriber behind.
    req.on('close', () => {
      closed = true;
      quiet();
    });
    unsubscribe = await this.listener.subscribe(
      (projection) => {
        pending.add(projection);
        timer ??= setTimeout(flush, COALESCE_MS);
      },
      () => {
        quiet();
        res.end();
      },
    );
    if (closed) return unsubscribe();
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    send('ready', { retryMs: 1_000 });
    // Authenticated once, but watched while open: the key revoked, expired or otherwise refused ends the stream (auth/key-sessions.ts).
    releaseKey = holdKeySession(req, (ended) => {
      quiet();
      send('revoked', ended);
      res.end();
    });
  }
}
