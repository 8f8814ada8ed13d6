import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  EXEMPTIONS,
  OWNERS,
  findViolations,
  objectsOfMigrations,
  ownerOf,
  sourcesUnder,
  type Source,
  type Violation,
} from './table-owners';

/**
 * One owner per table: the SQL strings of apps/ and libs/ name a table (or a function) of the migrations only
 * inside the folder that owns it (table-owners.ts says which, and what is exempt and why). Read, never run:
 * the files are parsed with the TypeScript compiler, so comments never count and line numbers are exact.
 */
const root = join(__dirname, '..', '..');
const objects = objectsOfMigrations(sourcesUnder(root, ['migrations']));
const repo = sourcesUnder(root, ['apps', 'libs']);
const shown = (violations: readonly Violation[]) =>
  violations.map((v) => `${v.path}:${v.line} names ${v.names.join(' or ')}, owned by ${v.owners.join(' or ')}`);

describe('Table ownership', () => {
  it('reads the tables and functions the migrations create', () => {
    const names = objects.map((o) => `${o.schema}.${o.name}`);
    expect(names).toEqual(
      expect.arrayContaining(['event_store.events', 'event_store.append_events', 'read_models.payments', 'monitoring.alert_outbox']),
    );
    expect(names).toEqual(expect.arrayContaining(['ledger.api_keys', 'ledger.webhook_deliveries', 'ledger.append_and_record']));
  });

  it('gives every one of them an owner, and every owner is a folder that exists', () => {
    expect(objects.filter((o) => ownerOf(o.schema, o.name) === undefined).map((o) => `${o.schema}.${o.name}`)).toEqual([]);
    expect([...new Set(Object.values(OWNERS))].filter((folder) => !existsSync(join(root, folder)))).toEqual([]);
    const created = new Set(objects.map((o) => `${o.schema}.${o.name}`));
    const schemas = new Set(objects.map((o) => `${o.schema}.*`));
    expect(Object.keys(OWNERS).filter((key) => !created.has(key) && !schemas.has(key))).toEqual([]);
  });

  it('finds no SQL in apps/ or libs/ that names a table outside its owner', () => {
    expect(shown(findViolations(repo, objects))).toEqual([]);
  });

  it('keeps no exemption that has nothing left to exempt', () => {
    const unexempted = findViolations(repo, objects, []);
    const stale = EXEMPTIONS.flatMap((e) =>
      e.names
        .filter((name) => !unexempted.some((v) => v.path === e.file && v.names.includes(name)))
        .map((name) => `${e.file}: ${name} (${e.why})`),
    );
    expect(stale).toEqual([]);
  });

  describe('on planted SQL', () => {
    const plant = (path: string, text: string): Violation[] => findViolations([{ path, text }], objects);

    it('fails a lib naming another lib’s table, with the file and line, when it sits in the repository', () => {
      const planted: Source = {
        path: 'libs/monitoring/src/planted.ts',
        text: [
          `import type { Pool } from 'pg';`,
          ``,
          `export async function waiting(pool: Pool): Promise<number> {`,
          `  const { rows } = await pool.query(`,
          '    `SELECT count(*)::int AS n',
          '       FROM read_models.payments WHERE status = $1`,',
          `    ['processing'],`,
          `  );`,
          `  return rows[0].n;`,
          `}`,
        ].join('\n'),
      };
      expect(shown(findViolations([...repo, planted], objects))).toEqual([
        'libs/monitoring/src/planted.ts:6 names read_models.payments, owned by libs/projections',
      ]);
    });

    it('sees a table behind a schema variable, quoted or not', () => {
      expect(shown(plant('libs/monitoring/src/a.ts', 'const q = (schema: string) => `SELECT * FROM ${schema}.payments`;'))).toEqual([
        'libs/monitoring/src/a.ts:1 names read_models.payments, owned by libs/projections',
      ]);
      expect(shown(plant('libs/monitoring/src/b.ts', 'const q = (s: string) => `SELECT 1 FROM "${s}".health_windows`;'))).toEqual([
        'libs/monitoring/src/b.ts:1 names read_models.health_windows, owned by libs/projections',
      ]);
    });

    it('sees a table name held in a constant, and a fragment of a larger statement', () => {
      expect(shown(plant('libs/platform/src/a.ts', `export const TABLE = 'monitoring.alerts';`))).toEqual([
        'libs/platform/src/a.ts:1 names monitoring.alerts, owned by libs/monitoring',
      ]);
      expect(shown(plant('apps/ledger-cli/src/a.ts', "const from = ' FROM ledger.webhook_deliveries d WHERE d.outcome = $1';"))).toEqual([
        'apps/ledger-cli/src/a.ts:1 names ledger.webhook_deliveries, owned by libs/provider-webhooks',
      ]);
    });

    it('fails an app naming any table: apps own none', () => {
      expect(
        shown(plant('apps/dev-stack/src/a.ts', "const q = `UPDATE ledger.api_keys SET revoked_at = now() WHERE name = 'demo'`;")),
      ).toEqual(['apps/dev-stack/src/a.ts:1 names ledger.api_keys, owned by libs/security']);
    });

    it('passes the owner’s own SQL, comments, prose, tests and the independent auditor', () => {
      const sql = 'export const q = `SELECT * FROM read_models.payments`;';
      expect(plant('libs/projections/src/a.ts', sql)).toEqual([]);
      expect(
        plant('libs/monitoring/src/a.ts', '/** Reads read_models.payments. */\nexport const x = 1; // FROM read_models.payments\n'),
      ).toEqual([]);
      expect(
        plant('apps/ledger-cli/src/a.ts', "throw new Error('event_store.events is in use: stop the API, then run it again');"),
      ).toEqual([]);
      expect(plant('libs/monitoring/src/a.int-spec.ts', sql)).toEqual([]);
      expect(plant('apps/ledger-cli/src/audit/verify/a.ts', sql)).toEqual([]);
    });
  });
});
