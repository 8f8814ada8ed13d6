import { withTransaction } from '@ledger/platform';
import type { RecordedEvent } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { READ_MODELS_SCHEMA } from '../runner/projection';
import { GENESIS_HASH, rowHash, type AuditRowContent } from './audit-hash';
import { auditTrailProjection } from './audit-projection';
import type { AuditRow } from './verify-audit-chain';

/** Every character COPY's text format treats specially, and some it does not, in every text-bearing column. */
const HOSTILE = [
  'back\\slash',
  'tab\there',
  'new\nline',
  'carriage\rreturn',
  '\\N',
  '\\.',
  'quote"d',
  'é ü 漢字 😀',
  'line\u2028sep',
  '\\x00ff',
];

function event(n: number): RecordedEvent {
  const text = HOSTILE[n % HOSTILE.length];
  return {
    eventId: `0000000${n % 10}-0000-4000-8000-${String(n).padStart(12, '0')}`,
    streamId: `payment-${text}-${n}`,
    type: n % 3 === 0 ? 'PaymentCreated' : `Payment${text}`,
    revision: BigInt(n),
    position: { commit: BigInt(1000 + n), prepare: BigInt(1000 + n) },
    data: { z: text, a: { nested: [text, n, null, { y: true, b: `${text}${text}` }] }, [`key ${text}`]: n },
    metadata:
      n % 4 === 0
        ? {}
        : {
            actor: `key_${text}`,
            sourceIp: n % 2 === 0 ? null : `10.0.0.${n}`,
            occurredAt: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
          },
    recordedAt: new Date(Date.UTC(2025, 0, 1, 0, n, 1, 123)),
  };
}

describe('Audit trail rows (COPY text format)', () => {
  let db: TestDatabase;
  const events = Array.from({ length: 47 }, (_, i) => event(i + 1));

  beforeAll(async () => {
    db = await createTestDatabase(4);
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(async () => {
    await db.pool.query('TRUNCATE read_models.audit_trail');
  });

  async function stored(): Promise<AuditRow[]> {
    const { rows } = await db.pool.query<AuditRow>(`SELECT * FROM read_models.audit_trail ORDER BY commit_position, prepare_position`);
    return rows;
  }

  /** Each column holds exactly what the event said, and the chain is the one the hash functions give. */
  function expectExact(rows: AuditRow[]): void {
    expect(rows).toHaveLength(events.length);
    let prev: Buffer = GENESIS_HASH;
    rows.forEach((row, i) => {
      const e = events[i];
      const meta = e.metadata as { actor?: string; sourceIp?: string | null; occurredAt?: string };
      const content: AuditRowContent = {
        commitPosition: e.position.commit,
        preparePosition: e.position.prepare,
        streamId: e.streamId,
        revision: e.revision,
        eventId: e.eventId,
        eventType: e.type,
        actor: meta.actor ?? null,
        sourceIp: meta.sourceIp ?? null,
        occurredAt: meta.occurredAt ? new Date(meta.occurredAt) : null,
        recordedAt: e.recordedAt,
        data: e.data,
        metadata: e.metadata,
      };
      const hash = rowHash(prev, content);
      expect(row).toEqual({
        commit_position: String(content.commitPosition),
        prepare_position: String(content.preparePosition),
        stream_id: content.streamId,
        revision: String(content.revision),
        event_id: content.eventId,
        event_type: content.eventType,
        actor: content.actor,
        source_ip: content.sourceIp,
        occurred_at: content.occurredAt,
        recorded_at: content.recordedAt,
        data: content.data,
        metadata: content.metadata,
        prev_hash: prev,
        row_hash: hash,
      });
      prev = hash;
    });
  }

  it('stores every column exactly, in pages applied by the live path', async () => {
    for (let i = 0; i < events.length; i += 10) {
      await withTransaction(db.pool, (tx) => auditTrailProjection.apply(tx, events.slice(i, i + 10), { schema: READ_MODELS_SCHEMA }));
    }
    expectExact(await stored());
  });

  it('stores the same rows through the rebuilder, across flushes, continuing the chain', async () => {
    await withTransaction(db.pool, (tx) => auditTrailProjection.apply(tx, events.slice(0, 5), { schema: READ_MODELS_SCHEMA }));
    const rebuilder = auditTrailProjection.rebuilder!({ schema: READ_MODELS_SCHEMA }, { flushRows: 7 });
    for (let i = 5; i < events.length; i += 3) {
      await rebuilder.fold(db.pool, events.slice(i, i + 3), async () => undefined);
      if (rebuilder.full) await withTransaction(db.pool, (tx) => rebuilder.flush(tx));
    }
    await withTransaction(db.pool, (tx) => rebuilder.flush(tx));
    expectExact(await stored());
  });

  it('writes nothing when a row is refused, and the error names the cause', async () => {
    const bad = { ...events[1], eventId: 'not-a-uuid' };
    await expect(
      withTransaction(db.pool, (tx) => auditTrailProjection.apply(tx, [events[0], bad], { schema: READ_MODELS_SCHEMA })),
    ).rejects.toThrow(/uuid/);
    expect(await stored()).toEqual([]);
  });
});
