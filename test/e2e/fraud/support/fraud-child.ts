/**
 * A projector process running only the fraud-velocity manager and its relay, for the crash drill.
 * `CRASH=before-append`: SIGKILLs itself when the relay is about to run the first FlagFraud (the outbox row is
 * committed, nothing appended). `CRASH=after-append`: right after the first FlagFraud appended, before the relay
 * marks its row. Without CRASH it runs until everything is applied and dispatched, then exits 0.
 */
import { Pool } from 'pg';
import { waitFor } from '@ledger/testing';
import { rigOf, settledOn, startManager } from './fraud-rig';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 6 });
  const crash = process.env.CRASH;
  const running = await startManager(pool, (bus) => ({
    execute: async (command) => {
      if (crash === 'before-append') process.kill(process.pid, 'SIGKILL');
      const result = await bus.execute(command);
      if (crash === 'after-append') process.kill(process.pid, 'SIGKILL');
      return result;
    },
  }));
  const { store } = rigOf(pool);
  await waitFor(() => settledOn(pool, store), 'the manager settled', 60_000);
  await running.stop();
  await pool.end();
}

void main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
