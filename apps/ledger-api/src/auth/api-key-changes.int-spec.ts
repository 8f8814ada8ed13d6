import { createApiKey, revokeApiKey } from '@ledger/security';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { ApiKeyChanges } from './api-key-changes';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function until(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  return condition();
}

describe('ApiKeyChanges', () => {
  it('hears every revocation through the api_keys trigger, without a TTL running out', async () => {
    const heard: string[] = [];
    let resyncs = 0;
    const changes = new ApiKeyChanges(
      db.pool,
      (id) => heard.push(id),
      () => resyncs++,
    );
    await changes.start();
    try {
      expect(changes.listening).toBe(true);
      expect(resyncs).toBe(1);
      const { id } = await createApiKey(db.pool, { name: 'x', scopes: ['admin'] });
      expect(await revokeApiKey(db.pool, id)).toBe(true);
      expect(await until(() => heard.includes(id))).toBe(true);
    } finally {
      await changes.stop();
    }
    expect(changes.listening).toBe(false);
  });

  it('reconnects and resyncs after its connection is killed', async () => {
    let resyncs = 0;
    const heard: string[] = [];
    const changes = new ApiKeyChanges(
      db.pool,
      (id) => heard.push(id),
      () => resyncs++,
    );
    await changes.start();
    try {
      await db.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN ledger_api_keys%' AND pid <> pg_backend_pid()`,
      );
      expect(await until(() => resyncs === 2 && changes.listening)).toBe(true);
      const { id } = await createApiKey(db.pool, { name: 'y', scopes: ['admin'] });
      await revokeApiKey(db.pool, id);
      expect(await until(() => heard.includes(id))).toBe(true);
    } finally {
      await changes.stop();
    }
  });
});
