import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { ALERT_QUEUE, AlertDelivery, WebhookSink } from '@ledger/monitoring';
import { LEDGER_CONFIG, PG_POOL, PlatformModule, type LedgerConfig, type PlatformOptions } from '@ledger/platform';
import { AlertProcessor } from './alert.processor';
import { MetricsService } from './metrics/metrics.service';
import { WorkerMetrics } from './metrics/worker-metrics';
import { RelayService } from './relay.service';
import { RetentionService } from './retention.service';
import { TickerService } from './ticker.service';
import { ALERT_DELIVERY, ALERT_LOGGER } from './tokens';

function webhookSink(config: LedgerConfig): WebhookSink | undefined {
  if (!config.ALERT_WEBHOOK_URL) return undefined;
  if (!config.ALERT_WEBHOOK_SECRET) throw new Error('ALERT_WEBHOOK_SECRET: required when ALERT_WEBHOOK_URL is set');
  return new WebhookSink({ url: config.ALERT_WEBHOOK_URL, secret: config.ALERT_WEBHOOK_SECRET, timeoutMs: config.ALERT_WEBHOOK_TIMEOUT });
}

@Module({})
export class AlertWorkerModule {
  static forRoot(platform: PlatformOptions, logger: Logger): DynamicModule {
    return {
      module: AlertWorkerModule,
      imports: [
        PlatformModule.forRoot(platform),
        BullModule.forRoot({
          connection: { url: platform.redisUrl, retryStrategy: (times: number) => Math.min(times * 200, 2_000) },
          prefix: platform.config.ALERT_QUEUE_PREFIX,
        }),
        BullModule.registerQueue({ name: ALERT_QUEUE }),
      ],
      providers: [
        { provide: ALERT_LOGGER, useValue: logger },
        { provide: WorkerMetrics, useFactory: (pool: Pool) => new WorkerMetrics(pool), inject: [PG_POOL] },
        MetricsService,
        {
          provide: ALERT_DELIVERY,
          useFactory: (pool: Pool, config: LedgerConfig, metrics: WorkerMetrics) =>
            metrics.instrument(new AlertDelivery(pool, logger, webhookSink(config))),
          inject: [PG_POOL, LEDGER_CONFIG, WorkerMetrics],
        },
        AlertProcessor,
        RelayService,
        TickerService,
        RetentionService,
      ],
    };
  }
}
