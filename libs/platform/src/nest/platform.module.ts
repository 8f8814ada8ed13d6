import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, createEventStore, type EventStore } from '@ledger/event-store';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/config';
import { createPool } from '../database/database';
import { waitForEventStore } from '../database/wait-for-event-store';
import { PG_POOL, REDIS_URL } from './tokens';

export interface PlatformOptions {
  readonly config: LedgerConfig;
  /** Resolved by resolveInfrastructure() (embedded defaults) before the Nest app is created. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly poolSize?: number;
  /** The pool's `application_name`: pg_stat_activity (and the stall report that reads it) names the app. */
  readonly applicationName?: string;
}

/**
 * The shared wiring every app needs: typed config, the PostgreSQL pool and the
 * event store chosen by EVENT_STORE. Apps import it once with forRoot().
 */
@Global()
@Module({})
export class PlatformModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: LEDGER_CONFIG, useValue: options.config },
        { provide: REDIS_URL, useValue: options.redisUrl },
        {
          provide: PG_POOL,
          useFactory: () => createPool(options.databaseUrl, { max: options.poolSize ?? 20, application_name: options.applicationName }),
        },
        { provide: EVENT_STORE, useFactory: (pool: Pool) => createEventStore(options.config, pool), inject: [PG_POOL] },
      ],
      exports: [LEDGER_CONFIG, REDIS_URL, PG_POOL, EVENT_STORE],
    };
  }

  /** An unreachable EventStoreDB fails the start with one line, not the first request; a PostgreSQL outage is waited out. */
  async onModuleInit(): Promise<void> {
    const logger = new Logger(PlatformModule.name);
    await waitForEventStore(this.store, { log: (message, fields) => logger.warn(`${message}: ${String(fields.error)}`) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.pool.end();
  }
}
