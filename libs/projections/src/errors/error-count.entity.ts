import { Column, Entity, PrimaryColumn } from 'typeorm';

/** read_models.error_counts: failed payments per failure code. */
@Entity({ schema: 'read_models', name: 'error_counts' })
export class ErrorCountEntity {
  @PrimaryColumn({ type: 'text' }) provider!: string;
  @PrimaryColumn({ type: 'text' }) currency!: string;
  @PrimaryColumn({ name: 'error_code', type: 'text' }) errorCode!: string;
  @Column({ type: 'bigint' }) failures!: string;
}
