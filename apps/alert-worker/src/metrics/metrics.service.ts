import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LEDGER_CONFIG, startMetricsServer, type LedgerConfig, type MetricsServer } from '@ledger/platform';
import { ALERT_LOGGER } from '../tokens';
import { WorkerMetrics } from './worker-metrics';

/** GET /metrics on WORKER_METRICS_PORT for the life of the worker. */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  private server: MetricsServer | undefined;

  constructor(
    private readonly metrics: WorkerMetrics,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(ALERT_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.server = await startMetricsServer(this.metrics.registry, this.config.WORKER_METRICS_PORT, this.config.HOST, (message, fields) =>
      this.logger.info(fields ?? {}, message),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.server?.close();
  }
}
