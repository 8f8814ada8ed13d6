/**
 * A relay process for the crash drill: `CRASH=after-add` SIGKILLs itself right
 * after BullMQ accepted the jobs and before the outbox rows are marked relayed.
 */
import { Pool } from 'pg';
import { OutboxRelay, RelayQueue, type AlertQueue } from '@ledger/monitoring';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const queue = new RelayQueue(process.env.REDIS_URL!, process.env.PREFIX);
  const crashing: AlertQueue = {
    addBulk: async (jobs) => {
      const added = await queue.addBulk(jobs);
      if (process.env.CRASH === 'after-add') process.kill(process.pid, 'SIGKILL');
      return added;
    },
  };
  const relay = new OutboxRelay(pool, crashing, { jobOptions: { attempts: 3, backoffMs: 20 } });
  for (let i = 0; i < 100; i++) {
    await relay.relayOnce();
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM monitoring.alert_outbox WHERE relayed_at IS NULL`);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await queue.close();
  await pool.end();
}

void main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
