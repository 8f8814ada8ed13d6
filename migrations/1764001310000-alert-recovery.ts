import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert hysteresis: an open condition that stops firing is only "clearing"
 * until it has stayed clear for ALERT_RECOVER_AFTER; clear_since remembers when
 * it was first seen clear (null while it fires). Timed rules (provider_silent,
 * projection_stalled) read the webhook log by provider and time.
 */
export class AlertRecovery1764001310000 implements MigrationInterface {
  name = 'AlertRecovery1764001310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitoring.alert_state ADD COLUMN clear_since timestamptz`);
    await q.query(
      `COMMENT ON COLUMN monitoring.alert_state.clear_since IS 'When the open condition was first seen clear; its recovery is declared once it has stayed clear for ALERT_RECOVER_AFTER. Null while firing.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitoring.alert_state DROP COLUMN clear_since`);
  }
}
