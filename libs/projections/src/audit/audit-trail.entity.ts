import { Column, Entity, PrimaryColumn } from 'typeorm';

/** read_models.audit_trail: every event, hash-chained in global order. */
@Entity({ schema: 'read_models', name: 'audit_trail' })
export class AuditTrailEntity {
  @PrimaryColumn({ name: 'commit_position', type: 'bigint' }) commitPosition!: string;
  @PrimaryColumn({ name: 'prepare_position', type: 'bigint' }) preparePosition!: string;
  @Column({ name: 'stream_id', type: 'text' }) streamId!: string;
  @Column({ type: 'bigint' }) revision!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ name: 'event_type', type: 'text' }) eventType!: string;
  @Column({ type: 'text', nullable: true }) actor!: string | null;
  @Column({ name: 'source_ip', type: 'text', nullable: true }) sourceIp!: string | null;
  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true }) occurredAt!: Date | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
  @Column({ type: 'jsonb' }) data!: unknown;
  @Column({ type: 'jsonb' }) metadata!: unknown;
  @Column({ name: 'prev_hash', type: 'bytea' }) prevHash!: Buffer;
  @Column({ name: 'row_hash', type: 'bytea' }) rowHash!: Buffer;
}
