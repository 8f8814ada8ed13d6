import { Column, Entity, PrimaryColumn } from 'typeorm';

/** read_models.status_counts: payments now in each status per (provider, currency). */
@Entity({ schema: 'read_models', name: 'status_counts' })
export class StatusCountEntity {
  @PrimaryColumn({ type: 'text' }) provider!: string;
  @PrimaryColumn({ type: 'text' }) currency!: string;
  @PrimaryColumn({ type: 'text' }) status!: string;
  @Column({ type: 'bigint' }) payments!: string;
}
