import type { Command } from 'commander';
import { EVENT_STORE } from '@ledger/event-store';
import { ForgetCustomerCommand, ForgetCustomerHandler } from '@ledger/payments-app';
import { classifyCustomerId, CUSTOMER_ID_OR_PERSONAL_RULE, DataKeyStore, type Keyring } from '@ledger/security';
import { withConnection } from '../audit/context';
import { withCommandBus } from '../command-bus';
import { requireMasterKeyring } from '../connect';
import { CliError, type CliIo } from '../io';

/** For a DataKeyStore that only deletes: it holds no key, so it could wrap or unwrap nothing. */
const NO_MASTER_KEY: Keyring = { current: 'none', keys: {} };

/** `ledger customers forget <customerId>`: crypto-shredding (libs/security README, "Forgetting a customer"). */
export function registerCustomerCommands(program: Command, io: CliIo): void {
  const customers = program.command('customers').description('personal data of customers');
  customers
    .command('forget')
    .description("destroy the customer's data key: their encrypted fields become unreadable everywhere")
    .argument('<customerId>')
    .option('--actor <who>', 'who asked, recorded in the CustomerForgotten event', `cli:${io.env.USER ?? 'operator'}`)
    .action(async (raw: string, options: { actor: string }) => {
      const kind = classifyCustomerId(raw);
      if (kind === 'invalid') throw new CliError(`customerId: ${CUSTOMER_ID_OR_PERSONAL_RULE}`, 2);
      await withConnection(io, 'customers forget', async ({ config, pool, store }) => {
        // Forgetting deletes the data key: it unwraps nothing, so a plain id needs no master key (and none is generated).
        // An id that is personal data is stored as its keyed token, whose key only the master key unwraps.
        const master =
          kind === 'personal' ? requireMasterKeyring(config, 'forgetting a customer by e-mail, phone number or name') : NO_MASTER_KEY;
        const keys = new DataKeyStore(pool, master);
        // withConnection refused restored history this server cannot order (`ledger store rebase` first): it appends.
        const providers = [{ provide: EVENT_STORE, useValue: store }, { provide: DataKeyStore, useValue: keys }, ForgetCustomerHandler];
        const result = await withCommandBus(providers, (bus) => bus.execute(new ForgetCustomerCommand(raw, options.actor)));
        io.stdout(
          `forgot customer ${result.customerId} at ${result.forgottenAt}: ${result.keysDestroyed} data key(s) destroyed; ` +
            `their encrypted fields now read as forgotten. Backups and WAL archives still hold the old key until they expire.\n`,
        );
      });
    });
}
