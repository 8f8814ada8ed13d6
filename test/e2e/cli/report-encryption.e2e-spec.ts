import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@ledger/event-store';
import { PaymentCommandRunner } from '@ledger/payments-app';
import { DataKeyStore, parseMasterKey, PersonalDataCipher } from '@ledger/security';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { GOOD_SECRETS, ledger, project } from './support/cli';

describe('ledger audit report: encryption at rest, sampled from the stored events', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let env: NodeJS.ProcessEnv;
  const report = () => ledger(['audit', 'report', '--days', '3650'], env);
  const context = { actor: 'key_1', correlationId: randomUUID(), causationId: randomUUID(), sourceIp: '192.0.2.7' };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    const personalData = new PersonalDataCipher(new DataKeyStore(db.pool, parseMasterKey(GOOD_SECRETS.ENCRYPTION_KEY)));
    const runner = new PaymentCommandRunner(store, { personalData });
    for (let i = 0; i < 3; i++) {
      const data = {
        paymentId: `p-enc-${i}`,
        provider: 'stripe' as const,
        amount: 100,
        currency: 'USD',
        customerId: `c-${i}`,
        description: 'a gift',
      };
      await runner.run({ type: 'CreatePayment', data, now: new Date() }, context);
    }
    await project(db.pool, store);
    env = { DATABASE_URL: db.url, LOG_DIR: mkdtempSync(join(tmpdir(), 'ledger-logs-')), ...GOOD_SECRETS };
  }, 60_000);

  afterAll(() => db.drop());

  it('passes when the latest events hold ciphertext in their personal fields', async () => {
    const run = await report();
    expect(run.stdout).toMatch(/\| personal data encrypted \| the 3 latest events with personal fields hold ciphertext \|/);
    expect(run.code).toBe(0);
  });

  it('fails (exit 1) when a stored event holds plaintext where ciphertext is required', async () => {
    const paymentId = 'p-plain';
    await store.appendToStream(
      `payment-${paymentId}`,
      [
        {
          type: 'PaymentCreated',
          data: {
            paymentId,
            provider: 'stripe',
            amount: 100,
            currency: 'USD',
            metadata: { note: 'plain' },
            createdAt: new Date().toISOString(),
          },
          metadata: { actor: 'key_1', correlationId: 'c', causationId: 'c', schemaVersion: 1, occurredAt: new Date().toISOString() },
        },
      ],
      'no_stream',
    );
    await project(db.pool, store);
    const run = await report();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/personal data encrypted: 1 of the 4 latest events with personal fields hold plaintext/);
  });

  it('lists plaintext stored before encryption began as a warning with count and positions', async () => {
    const { rows } = await db.pool.query<{ p: string }>(`SELECT max(global_position)::text AS p FROM event_store.events`);
    await db.pool.query(`UPDATE ledger.encryption_epoch SET last_plaintext_position = $1`, [rows[0].p]);
    const run = await report();
    expect(run.stdout).toMatch(
      /\| plaintext from before encryption \| 1 events stored before encryption began hold personal data in plaintext/,
    );
    expect(run.code).toBe(0);
  });
});
