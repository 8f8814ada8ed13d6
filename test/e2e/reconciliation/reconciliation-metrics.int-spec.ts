import { Readable } from 'node:stream';
import { PostgresEventStore } from '@ledger/event-store';
import { importReport, reconciliationProjection } from '@ledger/reconciliation';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { ProjectorMetrics } from '../../../apps/projector/src/metrics/projector-metrics';
import { generateMonth } from '../../../libs/reconciliation/src/testing/generate-month';
import { insertEvents, projectAll } from '../../../libs/reconciliation/src/testing/project-all';

describe('Reconciliation in Prometheus (projector metrics)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const month = generateMonth({ payments: 400, plantedPerKind: 2 });

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    await insertEvents(db.pool, [...month.paymentEvents, ...month.payoutStatusEvents]);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('exports per provider and currency the volumes, share, fees, fee rate, open breaks and the oldest one’s age', async () => {
    await importReport(store, {
      provider: 'stripe',
      format: 'csv',
      input: Readable.from([month.stripeCsv]),
      actor: 'key_t',
      now: new Date(),
    });
    await projectAll(
      db.pool,
      store,
      reconciliationProjection(undefined, async () => undefined),
    );
    const metrics = new ProjectorMetrics(db.pool, store, {});
    const text = await metrics.registry.metrics();
    const sample = (name: string) => Number(new RegExp(`^${name}\\{provider="stripe",currency="USD"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    const usd = month.volumes.get('stripe|USD');
    expect(sample('ledger_reconciliation_reported_volume_minor')).toBe(Number(usd?.reported));
    expect(sample('ledger_reconciliation_matched_volume_minor')).toBe(Number(usd?.matched));
    expect(sample('ledger_reconciliation_reconciled_share')).toBeCloseTo(Number(usd?.matched) / Number(usd?.reported), 8);
    expect(sample('ledger_reconciliation_fees_minor')).toBeGreaterThan(0);
    expect(sample('ledger_reconciliation_effective_fee_rate')).toBeGreaterThan(0);
    expect(sample('ledger_reconciliation_open_breaks')).toBeGreaterThan(0);
    expect(sample('ledger_reconciliation_oldest_open_break_age_seconds')).toBeGreaterThanOrEqual(0);
  });
});
