import type { Pool } from 'pg';
import { PostgresEventStore, type EventStore } from '@ledger/event-store';
import { FlagRelay, FraudManager, RiskTokens, type FlagBus, type RawRiskSignals } from '@ledger/fraud';
import { PaymentCommandRunner } from '@ledger/payments-app';
import { parseFraudRules } from '@ledger/platform';
import { DataKeyStore, PersonalDataCipher, parseMasterKey } from '@ledger/security';
import { createFlagBus } from '../../../../apps/projector/src/fraud-velocity';

export const MASTER_KEY = 'k1:fraud-velocity-test-master-key-0123456789';
const RULES = parseFraudRules('');

/** The store, the keys and a command runner over one database: what the API and the projector share. */
export function rigOf(pool: Pool): { store: EventStore; keys: DataKeyStore; cipher: PersonalDataCipher; runner: PaymentCommandRunner } {
  const store = new PostgresEventStore(pool, { pollIntervalMs: 5 });
  const keys = new DataKeyStore(pool, parseMasterKey(MASTER_KEY));
  const cipher = new PersonalDataCipher(keys);
  return { store, keys, cipher, runner: new PaymentCommandRunner(store, { personalData: cipher }) };
}

const ctx = { actor: 'test', correlationId: 'c', causationId: 'c' };

/**
 * The history of the done-when: a card-testing burst (six declined payments on one card fingerprint, one
 * customer, ten seconds apart) and five customers paying from one IP address within the hour.
 */
export async function writeHistory(pool: Pool, at = Date.now() - 5 * 60_000): Promise<void> {
  const { runner, keys } = rigOf(pool);
  const tokens = new RiskTokens(keys);
  const create = async (paymentId: string, customerId: string, signals: RawRiskSignals, t: number) =>
    runner.run(
      {
        type: 'CreatePayment',
        data: { paymentId, provider: 'stripe', amount: 500, currency: 'USD', customerId, risk: await tokens.riskOf(signals) },
        now: new Date(t),
      },
      ctx,
    );
  for (let i = 1; i <= 6; i++) {
    const paymentId = `ct_${i}`;
    const t = at + i * 10_000;
    await create(paymentId, 'cus_tester', { cardFingerprint: 'fp_testing', ipAddress: '198.51.100.9', email: 'tester@example.com' }, t);
    await runner.run({ type: 'StartProcessing', data: { paymentId }, now: new Date(t + 1) }, ctx);
    await runner.run({ type: 'MarkPaymentFailed', data: { paymentId, errorCode: 'card_declined' }, now: new Date(t + 2) }, ctx);
  }
  for (let i = 1; i <= 5; i++) {
    await create(
      `ip_${i}`,
      `cus_ip_${i}`,
      { ipAddress: '203.0.113.50', cardFingerprint: `fp_ip_${i}`, ipCountry: 'NG', cardCountry: 'NG' },
      at + i * 1_000,
    );
  }
}

/** What the done-when expects: card_failures flags the six declined payments, ip_customers the five customers. */
export const EXPECTED_FLAGS = [
  ...[1, 2, 3, 4, 5, 6].map((i) => `card_failures ct_${i}`),
  ...[1, 2, 3, 4, 5].map((i) => `ip_customers ip_${i}`),
].sort();

/** Every PaymentFraudFlagged in the log as `<rule> <paymentId>`, one entry per event. */
export async function flagsInLog(store: EventStore): Promise<string[]> {
  const events = await store.readAll({ maxCount: 10_000 });
  return events
    .filter((e) => e.type === 'PaymentFraudFlagged')
    .map((e) => `${(e.data as { rule: string }).rule} ${(e.data as { paymentId: string }).paymentId}`)
    .sort();
}

/** A manager and its relay in this process, as the projector runs them. */
export async function startManager(
  pool: Pool,
  wrap: (bus: FlagBus) => FlagBus = (bus) => bus,
): Promise<{ manager: FraudManager; relay: FlagRelay; stop(): Promise<void> }> {
  const { store, cipher } = rigOf(pool);
  const { bus, close } = await createFlagBus(store, cipher);
  const relay = new FlagRelay(pool, wrap(bus), { pollMs: 50 });
  const manager = new FraudManager({
    pool,
    store,
    rules: RULES,
    personalData: cipher,
    standbyPollMs: 50,
    onDecided: () => relay.wake(),
    onActive: (active) => relay.setActive(active),
  });
  void manager.run();
  return {
    manager,
    relay,
    stop: async () => {
      await manager.stop();
      await relay.stop();
      await close();
    },
  };
}

/** The manager has applied everything in the log and the relay has run every decision. */
export async function settledOn(pool: Pool, store: EventStore): Promise<boolean> {
  const head = await store.headPosition();
  const { rows } = await pool.query<{ commit_position: string; pending: number }>(
    `SELECT c.commit_position, (SELECT count(*)::int FROM fraud.outbox WHERE dispatched_at IS NULL) AS pending
       FROM fraud.checkpoint c WHERE name = 'fraud_velocity'`,
  );
  return !!head && rows.length === 1 && BigInt(rows[0].commit_position) >= head.commit && rows[0].pending === 0;
}
