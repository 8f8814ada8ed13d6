import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import pino from 'pino';
import { PostgresEventStore } from '@ledger/event-store';
import {
  ALERT_QUEUE,
  AlertDelivery,
  OutboxRelay,
  RelayQueue,
  alertSettingsFromConfig,
  createAlertHook,
  type AlertJob,
} from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import { PROJECTIONS, ProjectionRunner, alertReadModels } from '@ledger/projections';
import { testServices, uniquePrefix } from '@ledger/testing';
import { startApiHarness, type ApiHarness } from '../../../support/api-harness';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** The page's bundle, as `npm run build` makes it (esbuild, well under a second). */
export function buildDashboardBundle(): void {
  execFileSync(process.execPath, [join(ROOT, 'apps/ledger-api/web/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

/**
 * What a live dashboard needs behind it, in this process: the real HTTP API,
 * every projection runner (NOTIFYing on commit, raising alerts into the
 * outbox), and the alert-worker's relay and delivery into the alerts table.
 */
export async function startLiveStack(env: Record<string, string> = {}) {
  const api: ApiHarness = await startApiHarness({ env });
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const store = new PostgresEventStore(api.db.pool, { pollIntervalMs: 10 });
  const onBatch = createAlertHook(alertSettingsFromConfig(config), alertReadModels);
  const startRunners = () =>
    Object.values(PROJECTIONS).map(
      (projection) =>
        new ProjectionRunner({ pool: api.db.pool, store, projection, onBatch: projection.name === 'ledger' ? onBatch : undefined }),
    );
  let runners = startRunners();
  let running = runners.map((r) => r.run());
  const stopRunners = async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await Promise.all(running.map((r) => r.catch(() => undefined)));
  };
  const redisUrl = testServices().redisUrl;
  const prefix = uniquePrefix('dash');
  const relayQueue = new RelayQueue(redisUrl, prefix);
  const relay = new OutboxRelay(api.db.pool, relayQueue, {
    intervalMs: 50,
    addTimeoutMs: 1_000,
    jobOptions: { attempts: 3, backoffMs: 20 },
  });
  relay.start();
  const delivery = new AlertDelivery(api.db.pool, pino({ level: 'silent' }));
  const worker = new Worker<AlertJob>(ALERT_QUEUE, (job) => delivery.deliver(job), { connection: { url: redisUrl }, prefix });
  worker.on('error', () => undefined);
  return {
    api,
    /** What a SIGKILL of the projector leaves: every checkpoint where it was, and no NOTIFY until they run again. */
    stopProjectors: stopRunners,
    startProjectors: () => {
      runners = startRunners();
      running = runners.map((r) => r.run());
    },
    stop: async () => {
      await stopRunners();
      await relay.stop();
      await worker.close();
      await relayQueue.close();
      await api.close();
    },
  };
}
export type LiveStack = Awaited<ReturnType<typeof startLiveStack>>;
