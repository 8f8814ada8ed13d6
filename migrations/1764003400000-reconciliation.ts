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
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_facts.kind IS 'What the fact is: charge (a captured payment), refund or dispute.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_facts.reference IS 'A provider reference the payment events carry for this fact (charge, intent, refund or dispute id, Paystack reference, or our payment id).'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_facts.canonical IS 'The fact''s own id, shared by every reference to the same fact.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_facts.payment_id IS 'Our payment the fact belongs to.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_facts.provider IS 'stripe or paystack.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_facts.amount IS 'The fact''s amount in minor units of currency (a charge: the captured amount).'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_facts.currency IS 'ISO 4217 code of amount.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_facts.authorized_amount IS 'A charge''s authorized amount before a partial capture, minor units; null when captured in full.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_facts.reversed IS 'True once the ledger reversed the fact (a refund that failed).'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_facts.outcome IS 'A dispute''s outcome when closed (won, lost, warning_closed, prevented); null while open or for other kinds.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_facts.at IS 'When the fact happened (occurredAt).'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_payments.payment_id IS 'Our payment id.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_payments.provider IS 'stripe or paystack.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payments.currency IS 'ISO 4217 code of amount; null until the payment succeeded.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payments.amount IS 'Captured amount in minor units of currency; null until the payment succeeded.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_payments.succeeded_at IS 'When the payment succeeded; null before.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payments.held_by IS 'The report line (provider line id) that settles this payment; null while no imported payout holds it.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payments.missing_break IS 'The missing_from_payout break raised for this payment, if any.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_payouts.provider IS 'stripe or paystack.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.payout_id IS 'The provider''s payout (Stripe po_…) or settlement id.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.version IS 'Content hash of the payout''s current imported version (a correction changes it).'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_payouts.currency IS 'ISO 4217 code of the payout.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.amount IS 'The payout''s amount in minor units of currency, as the provider reported it; null until known.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.effective_at IS 'When the payout took effect (Stripe automatic_payout_effective_at / arrival, Paystack settlement date).'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.status IS 'Last status the provider reported (created, paid, failed, canceled, reconciliation_completed).'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_payouts.line_count IS 'How many lines the imported version holds.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.lines_seen IS 'How many of those lines the projection has applied.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.net_sum IS 'Sum of the net of the payout''s non-payout lines applied so far, minor units.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.sum_checked IS 'True once the payout''s lines were all seen and compared with its amount (payout_sum_mismatch).'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_payouts.closes_import IS 'True when this payout is the last of its import file (the projection counts completed imports by it).'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_lines.provider IS 'stripe or paystack.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.line_id IS 'The provider''s line id (Stripe balance transaction txn_…, Paystack transaction id).'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_lines.payout_id IS 'The payout that holds the line.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.category IS 'The line''s reporting category (charge, refund, dispute, fee, payout, other_adjustment, …).'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_lines.currency IS 'ISO 4217 code of gross, fee and net.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.gross IS 'The line''s gross amount in minor units of currency, signed as the provider reports it.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.fee IS 'The line''s own fee in minor units (a fee returned to us is negative).'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_lines.net IS 'gross minus fee, minor units.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_lines.status IS 'matched, fee, payout or break.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.payment_id IS 'Our payment the line was matched to; null when not matched.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_lines.break_id IS 'The break this line raised; null when explained.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.refs IS 'Every reference the line names (source, charge, intent, payment metadata, Paystack reference), for a late fact''s rematch.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.fx_amount IS 'For a line settled in another currency: the customer-facing amount in minor units of fx_currency.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.fx_currency IS 'ISO 4217 code of fx_amount (the charge''s currency).'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_lines.line IS 'The suspended line''s content, kept only while it is a break (the late-fact rematch reads it).'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_breaks.break_id IS 'Stable id of the break (derived from what raised it, so a rebuild gives the same id).'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_breaks.kind IS 'unknown_to_ledger, amount_mismatch, currency_mismatch, missing_from_payout, payout_sum_mismatch or duplicate_line.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.provider IS 'stripe or paystack.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.currency IS 'ISO 4217 code of the amounts.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_breaks.ledger_amount IS 'What the ledger recorded, minor units; null when it recorded nothing.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_breaks.provider_amount IS 'What the provider reported, minor units; null when it reported nothing.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_breaks.suspense_amount IS 'The amount held in suspense:<provider> for this break, minor units.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.payment_id IS 'Our payment concerned, if known.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.payout_id IS 'The payout concerned, if any.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.line_id IS 'The report line concerned, if any.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_breaks.detected_at IS 'When the break was found (the recordedAt of the event that raised it).'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.status IS 'open or resolved.'`);
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_breaks.closed_by IS 'What closed it: resolution, late_fact or correction; null while open.'`,
    );
    await q.query(
      `COMMENT ON COLUMN read_models.reconciliation_breaks.account IS 'The account a resolution moved the suspense amount to.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.note IS 'The resolution''s note.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.actor IS 'Who resolved it (API key id or CLI actor).'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_breaks.closed_at IS 'When it was closed; null while open.'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['breaks', 'lines', 'payouts', 'payments', 'facts']) await q.query(`DROP TABLE read_models.reconciliation_${t}`);
  }
}
