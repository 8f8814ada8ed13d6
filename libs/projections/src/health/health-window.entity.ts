import { Column, Entity, PrimaryColumn } from 'typeorm';

/** read_models.health_windows: per-minute activity per provider, the input of health. */
@Entity({ schema: 'read_models', name: 'health_windows' })
export class HealthWindowEntity {
  @PrimaryColumn({ name: 'minute_start', type: 'timestamptz' }) minuteStart!: Date;
  @PrimaryColumn({ type: 'text' }) provider!: string;
  @Column({ type: 'bigint' }) succeeded!: string;
  @Column({ type: 'bigint' }) failed!: string;
  @Column({ name: 'processing_time_sum_ms', type: 'numeric' }) processingTimeSumMs!: string;
  @Column({ name: 'processing_count', type: 'bigint' }) processingCount!: string;
  @Column({ name: 'fraud_flags', type: 'bigint' }) fraudFlags!: string;
}
