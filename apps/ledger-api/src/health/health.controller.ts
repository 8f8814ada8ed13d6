import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { LEDGER_CONFIG, PG_POOL, type LedgerConfig } from '@ledger/platform';
import { constantTimeEqual } from '@ledger/security';
import { Public } from '../auth/require-scope.decorator';
import { ApiError } from '../http/api-error';
import { ApiMetrics } from '../metrics/metrics';
import { RateLimiter } from '../rate-limit/rate-limiter';

type Check = 'up' | 'down';

const within = <T>(promise: Promise<T>, ms = 2_000): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@Public()
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly limiter: RateLimiter,
    private readonly metrics: ApiMetrics,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    const [postgres, redis, eventStore] = await Promise.all([
      check(() => this.pool.query('SELECT 1')),
      check(async () => {
        if (!(await this.limiter.ping())) throw new Error('redis down');
      }),
      check(() => this.store.headPosition()),
    ]);
    const checks = { postgres, redis, eventStore };
    const ok = Object.values(checks).every((c) => c === 'up');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', checks });
  }

  @Get('metrics')
  async metricsText(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = this.config.METRICS_TOKEN;
    if (token && !constantTimeEqual(req.get('authorization') ?? '', `Bearer ${token}`)) {
      throw new ApiError(401, 'unauthorized', 'GET /metrics needs the METRICS_TOKEN bearer token');
    }
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.text());
  }
}

async function check(probe: () => Promise<unknown>): Promise<Check> {
  try {
    await within(probe());
    return 'up';
  } catch {
    return 'down';
  }
}
