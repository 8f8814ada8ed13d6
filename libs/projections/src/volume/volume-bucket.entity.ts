import { Column, Entity, PrimaryColumn } from 'typeorm';

/** read_models.volume_buckets: succeeded payments per UTC hour / day they succeeded. */
@Entity({ schema: 'read_models', name: 'volume_buckets' })
export class VolumeBucketEntity {
  @PrimaryColumn({ type: 'text' }) granularity!: 'hour' | 'day';
  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' }) bucketStart!: Date;
  @PrimaryColumn({ type: 'text' }) provider!: string;
  @PrimaryColumn({ type: 'text' }) currency!: string;
  @Column({ type: 'bigint' }) payments!: string;
  @Column({ type: 'numeric' }) volume!: string;
}
