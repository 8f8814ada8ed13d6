import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts (libs/monitoring). Outside read_models on purpose: a projection rebuild
 * drops and swaps read_models tables, and must neither forget open conditions
 * nor touch alerts already raised.
 */
export class Monitoring1764000300000 implements MigrationInterface {
  name = 'Monitoring1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS monitoring`);
    await q.query(`
      CREATE TABLE monitoring.alert_state (
        rule            text        NOT NULL,
        provider        text        NOT NULL,
        state           text        NOT NULL,
        window_start    timestamptz NOT NULL,
        alert_id        text        NOT NULL,
        last_raised_at  timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rule, provider)
      )`);
    await q.query(
      `COMMENT ON TABLE monitoring.alert_state IS 'Open alert conditions per rule and provider, so a condition that stays true alerts once per cooldown and its end raises one recovery'`,
    );
    await q.query(`
      CREATE TABLE monitoring.alert_outbox (
        id          bigserial   PRIMARY KEY,
        job_id      text        NOT NULL UNIQUE,
        payload     jsonb       NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        relayed_at  timestamptz
      )`);
    await q.query(`CREATE INDEX alert_outbox_unrelayed ON monitoring.alert_outbox (id) WHERE relayed_at IS NULL`);
    await q.query(
      `COMMENT ON TABLE monitoring.alert_outbox IS 'Alerts written in the projector transaction that raised them; the relay copies them to BullMQ with jobId = job_id'`,
    );
    await q.query(`
      CREATE TABLE monitoring.alerts (
        id                   text        PRIMARY KEY,
        rule                 text        NOT NULL,
        kind                 text        NOT NULL CHECK (kind IN ('raised', 'recovered')),
        severity             text        NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
        provider             text,
        status               text        NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
        title                text        NOT NULL,
        payload              jsonb       NOT NULL,
        raised_at            timestamptz NOT NULL,
        received_at          timestamptz NOT NULL DEFAULT now(),
        webhook_delivered_at timestamptz,
        acknowledged_at      timestamptz,
        acknowledged_by      text,
        resolved_at          timestamptz
      )`);
    await q.query(`CREATE INDEX alerts_status_raised ON monitoring.alerts (status, raised_at DESC)`);
    await q.query(`
      CREATE TABLE monitoring.alert_dead_letters (
        alert_id   text        PRIMARY KEY,
        sink       text        NOT NULL,
        payload    jsonb       NOT NULL,
        error      text        NOT NULL,
        attempts   integer     NOT NULL,
        failed_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON TABLE monitoring.alert_dead_letters IS 'Alerts a sink gave up on after ALERT_WEBHOOK_ATTEMPTS tries; replay by hand'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA monitoring CASCADE`);
  }
}
