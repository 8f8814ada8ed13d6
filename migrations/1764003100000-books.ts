import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `books` (libs/books, the `books` projection, issue 31): the double-entry journal and what serves its
 * balances. Every row is a function of the event log and is rebuilt by `ledger projections rebuild books`. An
 * entry is never updated or deleted; a correction is a new entry. Read-only for ledger_finance; the apps
 * (ledger_app) write it, as they write read_models.
 */
export class Books1764003100000 implements MigrationInterface {
  name = 'Books1764003100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA books`);
    await q.query(
      `COMMENT ON SCHEMA books IS 'Double-entry books projected from the payment event log (libs/books); rebuildable. Read-only for ledger_finance.'`,
    );
    await q.query(`
      CREATE TABLE books.payment_states (
        payment_id text PRIMARY KEY,
        provider text NOT NULL,
        currency text NOT NULL,
        refunded bigint NOT NULL DEFAULT 0,
        suspense jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`
      CREATE TABLE books.journal_entries (
        entry_id text PRIMARY KEY,
        event_id text NOT NULL,
        commit_position bigint NOT NULL,
        prepare_position bigint NOT NULL,
        stream_id text NOT NULL,
        payment_id text,
        provider text,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        effective_at timestamptz NOT NULL,
        period text NOT NULL,
        late boolean NOT NULL,
        memo text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX journal_entries_position ON books.journal_entries (commit_position, prepare_position)`);
    await q.query(`CREATE INDEX journal_entries_effective ON books.journal_entries (effective_at, commit_position, prepare_position)`);
    await q.query(`CREATE INDEX journal_entries_payment ON books.journal_entries (payment_id)`);
    await q.query(`
      CREATE TABLE books.journal_lines (
        entry_id text NOT NULL,
        line_no smallint NOT NULL,
        account text NOT NULL,
        currency text NOT NULL,
        debit bigint NOT NULL CHECK (debit >= 0),
        credit bigint NOT NULL CHECK (credit >= 0),
        commit_position bigint NOT NULL,
        prepare_position bigint NOT NULL,
        effective_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        period text NOT NULL,
        PRIMARY KEY (entry_id, line_no),
        CHECK ((debit = 0) <> (credit = 0))
      )`);
    await q.query(`CREATE INDEX journal_lines_effective ON books.journal_lines (effective_at)`);
    await q.query(`CREATE INDEX journal_lines_recorded ON books.journal_lines (recorded_at)`);
    await q.query(`CREATE INDEX journal_lines_period ON books.journal_lines (period, commit_position, prepare_position, line_no)`);
    await q.query(`CREATE INDEX journal_lines_account ON books.journal_lines (account, effective_at)`);
    await q.query(`
      CREATE TABLE books.movements (
        account text NOT NULL,
        currency text NOT NULL,
        effective_day date NOT NULL,
        recorded_day date NOT NULL,
        debits numeric(38,0) NOT NULL DEFAULT 0,
        credits numeric(38,0) NOT NULL DEFAULT 0,
        PRIMARY KEY (effective_day, recorded_day, account, currency)
      )`);
    await q.query(`
      CREATE TABLE books.clock_movements (
        clock text NOT NULL CHECK (clock IN ('effective', 'recorded')),
        grain text NOT NULL CHECK (grain IN ('day', 'hour')),
        bucket timestamptz NOT NULL,
        account text NOT NULL,
        currency text NOT NULL,
        debits numeric(38,0) NOT NULL DEFAULT 0,
        credits numeric(38,0) NOT NULL DEFAULT 0,
        PRIMARY KEY (clock, grain, bucket, account, currency)
      )`);
    const comments: [string, string][] = [
      ['payment_states', 'Per payment, what the posting rules need (the books keep their own, at their own checkpoint).'],
      ['payment_states.payment_id', 'The payment.'],
      ['payment_states.provider', 'Its provider (stripe, paystack): the <p> of its accounts.'],
      ['payment_states.currency', 'Its currency (ISO 4217).'],
      ['payment_states.refunded', 'The refunded total the read models count (minor units of currency).'],
      ['payment_states.suspense', 'Provider amounts a held mismatch put in suspense, by mismatch id: {amount, currency}.'],
      ['journal_entries', 'One balanced entry per money-moving event; never updated or deleted.'],
      ['journal_entries.entry_id', 'The entry id: the id of the event that posted it.'],
      ['journal_entries.event_id', 'The event that posted it.'],
      ['journal_entries.commit_position', 'Global position of the event (commit part).'],
      ['journal_entries.prepare_position', 'Global position of the event (prepare part).'],
      ['journal_entries.stream_id', 'The stream of the event (payment-<id>).'],
      ['journal_entries.payment_id', 'The payment, when the event is a payment event.'],
      ['journal_entries.provider', 'The provider of the payment.'],
      ['journal_entries.occurred_at', 'When it happened (the event occurredAt).'],
      ['journal_entries.recorded_at', 'When the ledger recorded the event.'],
      [
        'journal_entries.effective_at',
        'The date it counts on: occurred_at, or the start of the first open period when that falls in a closed one.',
      ],
      ['journal_entries.period', 'Calendar month (UTC) of effective_at, YYYY-MM.'],
      ['journal_entries.late', 'True when occurred_at fell in a period already closed.'],
      ['journal_entries.memo', 'The posting rule that posted it.'],
      ['journal_lines', 'The lines of each entry: one account, one currency, a debit or a credit; each entry balances per currency.'],
      ['journal_lines.entry_id', 'The entry (journal_entries.entry_id).'],
      ['journal_lines.line_no', 'Order of the line in its entry, from 1.'],
      ['journal_lines.account', 'Account of the chart (CONTRACT.md, Books), e.g. provider:stripe, revenue:sales.'],
      ['journal_lines.currency', 'Currency of the amounts (ISO 4217); never mixed.'],
      ['journal_lines.debit', 'Minor units of currency (0 on a credit line).'],
      ['journal_lines.credit', 'Minor units of currency (0 on a debit line).'],
      ['journal_lines.commit_position', 'Global position of the entry event (commit part): journal order.'],
      ['journal_lines.prepare_position', 'Global position of the entry event (prepare part).'],
      ['journal_lines.effective_at', 'The entry effective date (copied for range reads).'],
      ['journal_lines.recorded_at', 'When the entry event was recorded (copied for range reads).'],
      ['journal_lines.period', 'The entry period, YYYY-MM.'],
      [
        'movements',
        'Σ debits and Σ credits per account, currency, effective day and recorded day (UTC): balances on both clocks without summing the journal.',
      ],
      ['movements.account', 'Account of the chart.'],
      ['movements.currency', 'Currency (ISO 4217).'],
      ['movements.effective_day', 'UTC day of the lines effective date.'],
      ['movements.recorded_day', 'UTC day the lines were recorded.'],
      ['movements.debits', 'Σ debit of those lines, minor units.'],
      ['movements.credits', 'Σ credit of those lines, minor units.'],
      [
        'clock_movements',
        'Σ debits and Σ credits per account and currency by UTC day and by UTC hour, on one clock: a balance as of a moment reads the days before it, the hours of its day and the lines of its hour.',
      ],
      ['clock_movements.clock', 'effective (the entry effective date) or recorded (when the ledger recorded it).'],
      ['clock_movements.grain', 'day or hour.'],
      ['clock_movements.bucket', 'Start of the UTC day or hour.'],
      ['clock_movements.account', 'Account of the chart.'],
      ['clock_movements.currency', 'Currency (ISO 4217).'],
      ['clock_movements.debits', 'Σ debit of the lines in the bucket, minor units.'],
      ['clock_movements.credits', 'Σ credit of the lines in the bucket, minor units.'],
    ];
    for (const [target, text] of comments) {
      const kind = target.includes('.') ? 'COLUMN' : 'TABLE';
      await q.query(`COMMENT ON ${kind} books.${target} IS '${text.replace(/'/g, "''")}'`);
    }
    await q.query(`GRANT USAGE ON SCHEMA books TO ledger_finance`);
    await q.query(`GRANT SELECT ON ALL TABLES IN SCHEMA books TO ledger_finance`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA books GRANT SELECT ON TABLES TO ledger_finance`);
    await q.query(`GRANT USAGE ON SCHEMA books TO ledger_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA books TO ledger_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA books GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ledger_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA books REVOKE SELECT ON TABLES FROM ledger_finance`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA books REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM ledger_app`);
    await q.query(`DROP SCHEMA books CASCADE`);
  }
}
