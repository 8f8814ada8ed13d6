import { rmSync } from 'node:fs';
import type { RunningService } from '../../libs/platform/src/embedded/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const services = ((globalThis as Record<string, unknown>).__LEDGER_SERVICES__ ?? []) as RunningService[];
  for (const service of services) await service.stop();
  if (process.env.TEST_DATA_DIR) rmSync(process.env.TEST_DATA_DIR, { recursive: true, force: true });
}
