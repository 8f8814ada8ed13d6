import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import { FlagRelay, FraudManager, type FlagBus } from '@ledger/fraud';
import { PAYMENT_COMMAND_HANDLERS, PaymentCommandRunner } from '@ledger/payments-app';
import { masterKeyring, type LedgerConfig } from '@ledger/platform';
import { DataKeyStore, PersonalDataCipher } from '@ledger/security';

@Module({})
class FraudCommandsModule {
  /** The payment command handlers on a CommandBus of this process: the relay dispatches FlagFraud through them. */
  static forRoot(store: EventStore, personalData: PersonalDataCipher): DynamicModule {
    return {
      module: FraudCommandsModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: PaymentCommandRunner, useValue: new PaymentCommandRunner(store, { personalData }) },
        ...PAYMENT_COMMAND_HANDLERS,
      ],
    };
  }
}

export interface RunningFraudVelocity {
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** A CommandBus with the payment command handlers, on its own Nest application context. */
export async function createFlagBus(
  store: EventStore,
  personalData: PersonalDataCipher,
): Promise<{ bus: FlagBus; close(): Promise<void> }> {
  const app = await NestFactory.createApplicationContext(FraudCommandsModule.forRoot(store, personalData), { logger: false });
  return { bus: app.get(CommandBus), close: () => app.close() };
}

/**
 * The fraud-velocity process manager and its relay in the projector process: one active instance across
 * projectors (its own advisory lock), the relay running only where the manager is active.
 */
export async function startFraudVelocity(
  config: LedgerConfig,
  pool: Pool,
  store: EventStore,
  log: (message: string, fields?: Record<string, unknown>) => void,
): Promise<RunningFraudVelocity> {
  const personalData = new PersonalDataCipher(new DataKeyStore(pool, masterKeyring(config)));
  const { bus, close } = await createFlagBus(store, personalData);
  const relay = new FlagRelay(pool, bus, { log });
  const manager = new FraudManager({
    pool,
    store,
    rules: config.FRAUD_RULES,
    personalData,
    batchSize: config.PROJECTOR_BATCH_SIZE,
    onDecided: () => relay.wake(),
    onActive: (active) => relay.setActive(active),
    log,
  });
  return {
    done: manager.run(),
    stop: async () => {
      await manager.stop();
      await relay.stop();
      await close();
    },
  };
}
