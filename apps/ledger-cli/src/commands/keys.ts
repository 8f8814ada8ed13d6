import type { Command } from 'commander';
import { loadConfig } from '@ledger/platform';
import { DataKeyStore, dataKeysByMasterKey } from '@ledger/security';
import { requireMasterKeyring, withPool } from '../connect';
import type { CliIo } from '../io';

/**
 * `ledger keys rotate`: with ENCRYPTION_KEY=`<new id>:<new secret>,<old id>:<old secret>`, re-wraps every
 * data key under the new master key. Events are not touched (they name the data key, not the master key).
 * Each key is its own update, so after a crash a rerun carries on; done, the old entry may be dropped.
 */
export function registerKeyCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('master and data keys');
  keys
    .command('rotate')
    .description('re-wrap every data key under the current (first) master key of ENCRYPTION_KEY')
    .option('--batch <n>', 'keys per batch', (v) => Number.parseInt(v, 10), 500)
    .action(async (options: { batch: number }) => {
      const config = loadConfig(io.env);
      // Never a generated key: re-wrapping onto a key the apps do not have would lock every customer's data away.
      const master = requireMasterKeyring(config, 'keys rotate');
      await withPool(io, config, 'keys rotate', async (pool) => {
        const store = new DataKeyStore(pool, master);
        let total = 0;
        for (let n = await store.rewrapBatch(options.batch); n > 0; n = await store.rewrapBatch(options.batch)) {
          total += n;
          io.stderr(`keys rotate: ${total} data keys re-wrapped so far\n`);
        }
        const all = ((await dataKeysByMasterKey(pool)) ?? []).reduce((sum, keys) => sum + keys.count, 0);
        const older = Object.keys(master.keys).filter((id) => id !== master.current);
        io.stdout(
          `keys rotate: ${total} data keys re-wrapped; all ${all} are now under master key ${master.current}` +
            (older.length > 0 ? `; ${older.join(', ')} may now be removed from ENCRYPTION_KEY` : '') +
            '\n',
        );
      });
    });
}
