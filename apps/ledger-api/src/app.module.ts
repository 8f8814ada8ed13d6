import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@ledger/event-store';
import { PaymentCommandRunner } from '@ledger/payments-app';
import { LEDGER_CONFIG, masterKeyring, PG_POOL, PlatformModule, type LedgerConfig, type PlatformOptions } from '@ledger/platform';
import { DataKeyStore, PersonalDataCipher } from '@ledger/security';
import type { Pool } from 'pg';
import { CustomersController } from './customers/customers.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { HealthController } from './health/health.controller';
import { InFlightInterceptor } from './http/in-flight.interceptor';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { SealedResponses } from './idempotency/sealed-response';
import { createIdempotencyPool, IdempotencyRepository } from './idempotency/idempotency.repository';
import { PostgresCommandJournal } from './idempotency/postgres-command-journal';
import { ApiMetrics } from './metrics/metrics';
import { PaymentCommandsController } from './payments/payment-commands.controller';
import { PaymentQueriesController } from './payments/payment-queries.controller';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimiter } from './rate-limit/rate-limiter';
import { WebhooksModule } from './webhooks/webhooks.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { AlertsModule } from './alerts/alerts.module';

export interface ApiModuleOptions extends PlatformOptions {
  readonly metrics: ApiMetrics;
  /** Redis key prefix of the rate-limit buckets (tests give each spec its own). */
  readonly rateLimitPrefix?: string;
  readonly onShutdown?: () => Promise<void>;
}

const ON_SHUTDOWN = Symbol('ON_SHUTDOWN');

@Module({})
export class ApiModule implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(ON_SHUTDOWN) private readonly onShutdown: () => Promise<void>,
    private readonly adapterHost: HttpAdapterHost,
    private readonly inFlight: InFlightInterceptor,
    private readonly idempotency: IdempotencyRepository,
  ) {}

  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      // The webhooks run commands through the same runner, metrics and rate limiter.
      global: true,
      imports: [PlatformModule.forRoot(options), WebhooksModule, DashboardModule, AlertsModule],
      controllers: [PaymentCommandsController, PaymentQueriesController, CustomersController, HealthController],
      providers: [
        { provide: ApiMetrics, useValue: options.metrics },
        { provide: ON_SHUTDOWN, useValue: options.onShutdown ?? (async () => undefined) },
        {
          provide: RateLimiter,
          useFactory: (config: LedgerConfig) =>
            new RateLimiter(options.redisUrl, config.RATE_LIMITS, options.rateLimitPrefix ?? 'ledger:rl'),
          inject: [LEDGER_CONFIG],
        },
        {
          provide: IdempotencyRepository,
          useFactory: (config: LedgerConfig) =>
            new IdempotencyRepository(createIdempotencyPool(options.databaseUrl), config.IDEMPOTENCY_TTL),
          inject: [LEDGER_CONFIG],
        },
        {
          provide: DataKeyStore,
          useFactory: (config: LedgerConfig, pool: Pool) => new DataKeyStore(pool, masterKeyring(config)),
          inject: [LEDGER_CONFIG, PG_POOL],
        },
        { provide: PersonalDataCipher, useFactory: (keys: DataKeyStore) => new PersonalDataCipher(keys), inject: [DataKeyStore] },
        {
          // PostgreSQL only: EventStoreDB shares no transaction with the idempotency records.
          provide: PostgresCommandJournal,
          useFactory: (store: EventStore, records: IdempotencyRepository) =>
            store instanceof PostgresEventStore ? new PostgresCommandJournal(records.pool, store, records) : null,
          inject: [EVENT_STORE, IdempotencyRepository],
        },
        {
          provide: PaymentCommandRunner,
          useFactory: (store: EventStore, personalData: PersonalDataCipher, journal: PostgresCommandJournal | null) =>
            new PaymentCommandRunner(store, {
              onAppended: (command) => options.metrics.commandAppended(command.type),
              personalData,
              journal: journal ?? undefined,
            }),
          inject: [EVENT_STORE, PersonalDataCipher, PostgresCommandJournal],
        },
        // Order matters: the rate limiter needs the API key the first guard found.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        InFlightInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: InFlightInterceptor },
        SealedResponses,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [RateLimiter, ApiMetrics, PaymentCommandRunner, DataKeyStore, PersonalDataCipher],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.limiter.connect();
  }

  /** Nest closes pools before the HTTP server: stop accepting, then let running handlers finish. */
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server?.listening) {
      server.close();
      server.closeIdleConnections();
    }
    await this.inFlight.drained(10_000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.limiter.close();
    await this.idempotency.close();
    await this.onShutdown();
  }
}
