import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PostgresEventStore } from '@ledger/event-store';
import { ConfigError, loadConfig } from '@ledger/platform';
import { projectionRegistry } from '@ledger/projections';
import { importReport, type ReconciliationProjection } from '@ledger/reconciliation';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { insertEvents, projectAll } from '../../../libs/reconciliation/src/testing/project-all';

/** SETTLEMENT_WINDOWS (CONTRACT.md › Reconciliation): read at start, refused when bad, and the projector's reconciliation judges by it. */
describe('SETTLEMENT_WINDOWS', () => {
  it('is read with the configuration, a provider left out keeping its default (stripe=7d, paystack=2d)', () => {
    expect(loadConfig({}).SETTLEMENT_WINDOWS).toEqual({ stripe: 7 * 86_400, paystack: 2 * 86_400 });
    expect(loadConfig({ SETTLEMENT_WINDOWS: 'stripe=36h' }).SETTLEMENT_WINDOWS).toEqual({ stripe: 36 * 3600, paystack: 2 * 86_400 });
  });

  it.each(['stripe=7', 'stripe=7x', 'adyen=1d', 'stripe=-1d'])('refuses %s at start with one line naming it', (value) => {
    expect(() => loadConfig({ SETTLEMENT_WINDOWS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ SETTLEMENT_WINDOWS: value })).toThrow(
      `SETTLEMENT_WINDOWS: "${value}" is not stripe=<n><s|m|h|d> or paystack=<n><s|m|h|d> (e.g. stripe=7d,paystack=2d)`,
    );
  });

  it('stops the projector at start with one line naming the bad value (exit 1)', async () => {
    const root = join(__dirname, '../../..');
    const child = spawn(
      process.execPath,
      ['--require', join(root, 'test/support/swc-register.js'), join(root, 'apps/projector/src/main.ts')],
      {
        cwd: root,
        env: { PATH: process.env.PATH, NODE_ENV: 'test', SETTLEMENT_WINDOWS: 'stripe=7d,paystack=2x' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect((JSON.parse(lines[0]) as { msg: string }).msg).toBe(
      'SETTLEMENT_WINDOWS: "paystack=2x" is not stripe=<n><s|m|h|d> or paystack=<n><s|m|h|d> (e.g. stripe=7d,paystack=2d)',
    );
  }, 60_000);

  describe('the reconciliation projection the registry builds', () => {
    let db: TestDatabase;
    let store: PostgresEventStore;

    beforeAll(async () => {
      db = await createTestDatabase(4);
      store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
      // p1 succeeded on 1 March; a USD payout effective on 5 March (four days later) holds only a fee.
      const at = '2026-03-01T00:00:00.000Z';
      await insertEvents(db.pool, [
        {
          streamId: 'payment-p1',
          type: 'PaymentCreated',
          data: { paymentId: 'p1', provider: 'stripe', amount: 1000, currency: 'USD', createdAt: at },
          occurredAt: at,
        },
        {
          streamId: 'payment-p1',
          type: 'PaymentSucceeded',
          data: { paymentId: 'p1', amount: 1000, currency: 'USD', providerPaymentId: 'pi_1', providerChargeId: 'ch_1', succeededAt: at },
          occurredAt: at,
        },
      ]);
      const csv = [
        'automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id',
        'po_1,2026-03-05 00:00:00,txn_fee,2026-03-04 00:00:00,usd,-2.00,0.00,-2.00,fee,',
      ].join('\n');
      await importReport(store, { provider: 'stripe', format: 'csv', input: Readable.from([csv]), actor: 'key_t', now: new Date(at) });
    });

    afterAll(async () => {
      await store.close();
      await db.drop();
    });

    async function missingWith(env: NodeJS.ProcessEnv, schema: string): Promise<string[]> {
      const projection = projectionRegistry({ settlementWindows: loadConfig(env).SETTLEMENT_WINDOWS })
        .reconciliation as ReconciliationProjection;
      await db.pool.query(`CREATE SCHEMA ${schema}`);
      for (const table of projection.tables)
        await db.pool.query(`CREATE TABLE ${schema}.${table} (LIKE read_models.${table} INCLUDING ALL)`);
      await projectAll(db.pool, store, projection, undefined, schema);
      const { rows } = await db.pool.query<{ payment_id: string }>(
        `SELECT payment_id FROM ${schema}.reconciliation_breaks WHERE kind = 'missing_from_payout' AND status = 'open' ORDER BY payment_id`,
      );
      return rows.map((r) => r.payment_id);
    }

    it('finds p1 missing from payout with a one-day Stripe window, and not with the default seven days', async () => {
      expect(await missingWith({}, 'default_windows')).toEqual([]);
      expect(await missingWith({ SETTLEMENT_WINDOWS: 'stripe=1d' }, 'one_day')).toEqual(['p1']);
      expect(await missingWith({ SETTLEMENT_WINDOWS: 'stripe=4d,paystack=1d' }, 'four_days')).toEqual([]);
    });
  });
});
