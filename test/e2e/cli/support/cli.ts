import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import { PROJECTIONS, ProjectionRunner, type OnBatch } from '@ledger/projections';
import { runCli } from '../../../../apps/ledger-cli/src/cli';
import type { CliIo } from '../../../../apps/ledger-cli/src/io';
import { waitForProjections } from '../../projections/support/harness';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The `ledger` program in-process: argv and env injected, both outputs captured; nothing from the test's own environment leaks in. */
export async function ledger(argv: readonly string[], env: NodeJS.ProcessEnv, extra: Partial<CliIo> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { LEDGER_DATA_DIR: mkdtempSync(join(tmpdir(), 'ledger-cli-')), NODE_ENV: 'test', ...env },
    ...extra,
  });
  return { code, stdout, stderr };
}

/** A configuration that passes every configuration check. */
export const GOOD_SECRETS = {
  ENCRYPTION_KEY: 'k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!',
  STRIPE_WEBHOOK_SECRET: 'whsec_9fK2mQ7xLp4Rt8Vz1Wb6Nc3Hd5Jg0',
  PAYSTACK_SECRET_KEY: 'sk_test_4Hq8Lz2Mx7Pw1Rt5Vb9Nc3Kd6Jf0',
};

/** Runs every projection with libs/projections' runner until it reaches the store's head, then stops it; `hooks` by projection name. */
export async function project(pool: Pool, store: EventStore, hooks: Readonly<Record<string, OnBatch>> = {}): Promise<void> {
  const runners = Object.values(PROJECTIONS).map(
    (projection) => new ProjectionRunner({ pool, store, projection, batchSize: 97, onBatch: hooks[projection.name] }),
  );
  const running = runners.map((r) => r.run());
  try {
    await Promise.race([
      waitForProjections(pool, store),
      ...running.map((p) => p.then(() => Promise.reject(new Error('runner stopped early')))),
    ]);
  } finally {
    await Promise.all(runners.map((r) => r.stop()));
  }
}
