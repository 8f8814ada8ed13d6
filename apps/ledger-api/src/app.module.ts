import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Server } from 'node:http';
import { createIdempotencyLog, EVENT_STORE, IDEMPOTENCY_LOG, type EventStore, type IdempotencyLog } from '@ledger/event-store';
import {
  COMMAND_OBSERVER,
  ForgetCustomerHandler,
  PAYMENT_COMMAND_HANDLERS,
  PaymentCommandRunner,
  type CommandObserver,
} from '@ledger/payments-app';
import {
  createPool,
  LEDGER_CONFIG,
  masterKeyring,
  PG_POOL,
  PlatformModule,
  type LedgerConfig,
  type PlatformOptions,
} from '@ledger/platform';
import { CustomerTokens, DataKeyStore, PersonalDataCipher } from '@ledger/security';
import { RiskTokens } from '@ledger/fraud';
import type { Pool } from 'pg';
import { CustomersController } from './customers/customers.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { CustomerPseudonymsGuard } from './customers/customer-pseudonyms.guard';
import { HealthController } from './health/health.controller';
import { InFlightInterceptor } from './http/in-flight.interceptor';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { RequestHashes } from './idempotency/request-hashes';
import { SealedResponses } from './idempotency/sealed-response';
import { ApiMetrics } from './metrics/metrics';
import { PaymentCommandsController } from './payments/payment-commands.controller';
import { PaymentQueriesController } from './payments/payment-queries.controller';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimiter } from './rate-limit/rate-limiter';
import { WebhooksModule } from './webhooks/webhooks.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { AlertsModule } from './alerts/alerts.module';
import { ReconciliationModule } from './reconciliation/reconciliation.controller';

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
    @Inject(IDEMPOTENCY_LOG) private readonly idempotency: IdempotencyLog,
  ) {}

  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      // The webhooks run commands through the same runner, metrics and rate limiter.
      global: true,
      imports: [
        PlatformModule.forRoot({ applicationName: 'ledger-api', ...options }),
        CqrsModule.forRoot(),
        WebhooksModule,
        DashboardModule,
        AlertsModule,
        ReconciliationModule,
      ],
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
          // Its own pool, committing without waiting for the WAL flush: a record lost to a PostgreSQL crash only
          // means a retry runs the command again, a no-op (its events carry the same deterministic ids). The
          // events themselves, and a keyed command's answer with them, commit through the store's durable pool.
          provide: IDEMPOTENCY_LOG,
          useFactory: (config: LedgerConfig, store: EventStore) =>
            createIdempotencyLog(
              store,
              createPool(options.databaseUrl, {
                max: 10,
                options: '-c synchronous_commit=off',
                application_name: 'ledger-api idempotency',
              }),
              config.IDEMPOTENCY_TTL,
            ),
          inject: [LEDGER_CONFIG, EVENT_STORE],
        },
        {
          provide: DataKeyStore,
          useFactory: (config: LedgerConfig, pool: Pool) => new DataKeyStore(pool, masterKeyring(config)),
          inject: [LEDGER_CONFIG, PG_POOL],
        },
        { provide: PersonalDataCipher, useFactory: (keys: DataKeyStore) => new PersonalDataCipher(keys), inject: [DataKeyStore] },
        {
          provide: PaymentCommandRunner,
          useFactory: (store: EventStore, personalData: PersonalDataCipher, idempotency: IdempotencyLog) =>
            new PaymentCommandRunner(store, { personalData, idempotency }),
          inject: [EVENT_STORE, PersonalDataCipher, IDEMPOTENCY_LOG],
        },
        {
          provide: COMMAND_OBSERVER,
          useValue: { appended: (command) => options.metrics.commandAppended(command) } satisfies CommandObserver,
        },
        ...PAYMENT_COMMAND_HANDLERS,
        ForgetCustomerHandler,
        // Order matters: the rate limiter needs the API key the first guard found.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: CustomerTokens, useFactory: (keys: DataKeyStore) => new CustomerTokens(keys), inject: [DataKeyStore] },
        { provide: RiskTokens, useFactory: (keys: DataKeyStore) => new RiskTokens(keys), inject: [DataKeyStore] },
        { provide: APP_GUARD, useClass: CustomerPseudonymsGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        InFlightInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: InFlightInterceptor },
        SealedResponses,
        RequestHashes,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [
        RateLimiter,
        ApiMetrics,
        PaymentCommandRunner,
        DataKeyStore,
        PersonalDataCipher,
        CustomerTokens,
        RiskTokens,
        IDEMPOTENCY_LOG,
      ],
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
