import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendEventsFunction, FIRST_WRITE_GUARD } from './append-events.sql';

/**
 * append_events enforces its own precondition. Per-stream order agrees with the
 * `$all` order only if the stream's advisory lock is taken before the
 * transaction gets its id; a transaction that already wrote (or otherwise took
 * an id) could commit a later revision under a smaller id than an earlier one.
 * The function now refuses such a call (SQLSTATE LE428) instead of trusting
 * the caller's habit.
 */
export class AppendFirstWrite1764001300000 implements MigrationInterface {
  name = 'AppendFirstWrite1764001300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ${appendEventsFunction(FIRST_WRITE_GUARD)}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION ${appendEventsFunction()}`);
  }
}
