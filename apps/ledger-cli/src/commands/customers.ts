import type { Command } from 'commander';
import { assertEventStoreReachable, createEventStore } from '@ledger/event-store';
import { forgetCustomer } from '@ledger/payments-app';
import { createPool, loadConfig, masterKeyring, resolveInfrastructure } from '@ledger/platform';
import { customerIdSchema, DataKeyStore } from '@ledger/security';
import { CliError, type CliIo } from '../io';

/** `ledger customers forget <customerId>`: crypto-shredding (libs/security README, "Forgetting a customer"). */
export function registerCustomerCommands(program: Command, io: CliIo): void {
  const customers = program.command('customers').description('personal data of customers');
  customers
    .command('forget')
    .description("destroy the customer's data key: their encrypted fields become unreadable everywhere")
    .argument('<customerId>')
    .option('--actor <who>', 'who asked, recorded in the CustomerForgotten event', `cli:${io.env.USER ?? 'operator'}`)
    .action(async (raw: string, options: { actor: string }) => {
      const parsed = customerIdSchema.safeParse(raw);
      if (!parsed.success) throw new CliError(`customerId: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 2);
      const config = loadConfig(io.env);
      const infrastructure = await resolveInfrastructure(config, { redis: false });
      const pool = createPool(infrastructure.databaseUrl, { max: 2 });
      try {
        const keys = new DataKeyStore(pool, masterKeyring(config));
        const store = createEventStore(config, pool);
        // It appends: never onto restored history this server cannot order (`ledger store rebase` first).
        await assertEventStoreReachable(store);
        const result = await forgetCustomer(store, keys, { customerId: parsed.data, actor: options.actor });
        io.stdout(
          `forgot customer ${result.customerId} at ${result.forgottenAt}: ${result.keysDestroyed} data key(s) destroyed; ` +
            `their encrypted fields now read as forgotten. Backups and WAL archives still hold the old key until they expire.\n`,
        );
      } finally {
        await pool.end();
        await infrastructure.stop();
      }
    });
}
