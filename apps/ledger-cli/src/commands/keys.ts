import type { Command } from 'commander';
import { createPool, loadConfig, masterKeyring, resolveInfrastructure } from '@ledger/platform';
import { DataKeyStore } from '@ledger/security';
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
      const master = masterKeyring(config);
      const infrastructure = await resolveInfrastructure(config, { redis: false });
      const pool = createPool(infrastructure.databaseUrl, { max: 1 });
      try {
        const store = new DataKeyStore(pool, master);
        let total = 0;
        for (let n = await store.rewrapBatch(options.batch); n > 0; n = await store.rewrapBatch(options.batch)) {
          total += n;
          io.stderr(`keys rotate: ${total} data keys re-wrapped so far\n`);
        }
        const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger.data_keys`);
        const older = Object.keys(master.keys).filter((id) => id !== master.current);
        io.stdout(
          `keys rotate: ${total} data keys re-wrapped; all ${rows[0].n} are now under master key ${master.current}` +
            (older.length > 0 ? `; ${older.join(', ')} may now be removed from ENCRYPTION_KEY` : '') +
            '\n',
        );
      } finally {
        await pool.end();
        await infrastructure.stop();
      }
    });
}
