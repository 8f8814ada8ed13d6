import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settlement reconciliation (issue 32), written only by libs/reconciliation's projection: the payment facts it
 * matches against (its own index, from the payment events), the payouts and lines of the providers' reports, and
 * the breaks. In read_models, so `ledger projections rebuild reconciliation` builds them beside the live ones.
 */
export class Reconciliation1764003400000 implements MigrationInterface {
  name = 'Reconciliation1764003400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_models.reconciliation_facts (
      kind text NOT NULL, reference text NOT NULL, canonical text NOT NULL, payment_id text NOT NULL, provider text NOT NULL,
      amount bigint NOT NULL, currency text NOT NULL, authorized_amount bigint, reversed boolean NOT NULL DEFAULT false,
      outcome text, at timestamptz NOT NULL, PRIMARY KEY (kind, reference))`);
    await q.query(`CREATE INDEX reconciliation_facts_reference ON read_models.reconciliation_facts (reference)`);
    await q.query(`CREATE INDEX reconciliation_facts_canonical ON read_models.reconciliation_facts (kind, canonical)`);
    await q.query(
      `COMMENT ON TABLE read_models.reconciliation_facts IS 'Ledger facts a report line is matched to, by every provider reference the payment events carry (charge: captured amount; refund; dispute).'`,
    );
    await q.query(`CREATE TABLE read_models.reconciliation_payments (
      payment_id text PRIMARY KEY, provider text NOT NULL, currency text, amount bigint, succeeded_at timestamptz,
      held_by text, missing_break text)`);
    await q.query(
      `CREATE INDEX reconciliation_payments_unheld ON read_models.reconciliation_payments (provider, currency, succeeded_at) WHERE held_by IS NULL AND missing_break IS NULL AND succeeded_at IS NOT NULL`,
    );
    await q.query(
      `COMMENT ON TABLE read_models.reconciliation_payments IS 'Succeeded payments and the report line that holds each (missing_from_payout).'`,
    );
    await q.query(`CREATE TABLE read_models.reconciliation_payouts (
      provider text NOT NULL, payout_id text NOT NULL, version text, currency text NOT NULL, amount bigint,
      effective_at timestamptz, status text, line_count integer NOT NULL DEFAULT 0, lines_seen integer NOT NULL DEFAULT 0,
      net_sum bigint NOT NULL DEFAULT 0, sum_checked boolean NOT NULL DEFAULT false, closes_import boolean NOT NULL DEFAULT false,
      PRIMARY KEY (provider, payout_id))`);
    await q.query(
      `COMMENT ON TABLE read_models.reconciliation_payouts IS 'Each imported payout (its current version) and what its webhooks reported.'`,
    );
    await q.query(`CREATE TABLE read_models.reconciliation_lines (
      provider text NOT NULL, line_id text NOT NULL, payout_id text NOT NULL, category text NOT NULL, currency text NOT NULL,
      gross bigint NOT NULL, fee bigint NOT NULL, net bigint NOT NULL, status text NOT NULL, payment_id text, break_id text,
      refs text[] NOT NULL, fx_amount bigint, fx_currency text, line jsonb, PRIMARY KEY (provider, line_id))`);
    await q.query(`CREATE INDEX reconciliation_lines_line ON read_models.reconciliation_lines (line_id)`);
    await q.query(`CREATE INDEX reconciliation_lines_payout ON read_models.reconciliation_lines (provider, payout_id)`);
    await q.query(
      `CREATE INDEX reconciliation_lines_suspended ON read_models.reconciliation_lines USING gin (refs) WHERE status = 'break'`,
    );
    await q.query(
      `COMMENT ON TABLE read_models.reconciliation_lines IS 'Every line of the imported payouts: matched, fee, payout, or break (its amount in suspense). Amounts in minor units of currency.'`,
    );
    await q.query(`CREATE TABLE read_models.reconciliation_breaks (
      break_id text PRIMARY KEY, kind text NOT NULL, provider text NOT NULL, currency text NOT NULL,
      ledger_amount bigint, provider_amount bigint, suspense_amount bigint NOT NULL DEFAULT 0, payment_id text, payout_id text,
      line_id text, detected_at timestamptz NOT NULL, status text NOT NULL, closed_by text, account text, note text, actor text,
      closed_at timestamptz)`);
    await q.query(
      `CREATE INDEX reconciliation_breaks_status ON read_models.reconciliation_breaks (status, provider, currency, detected_at)`,
    );
    await q.query(
      `COMMENT ON TABLE read_models.reconciliation_breaks IS 'Breaks: report lines or payments not explained (kind), both sides, suspense amount, open or resolved (closed_by: resolution, late_fact, correction).'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['breaks', 'lines', 'payouts', 'payments', 'facts']) await q.query(`DROP TABLE read_models.reconciliation_${t}`);
  }
}
