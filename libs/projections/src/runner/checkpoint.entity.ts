import { Column, Entity, PrimaryColumn } from 'typeorm';

/** read_models.checkpoints: last applied position per projection. */
@Entity({ schema: 'read_models', name: 'checkpoints' })
export class CheckpointEntity {
  @PrimaryColumn({ type: 'text' }) name!: string;
  @Column({ name: 'commit_position', type: 'bigint' }) commitPosition!: string;
  @Column({ name: 'prepare_position', type: 'bigint' }) preparePosition!: string;
  @Column({ name: 'events_applied', type: 'bigint' }) eventsApplied!: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
