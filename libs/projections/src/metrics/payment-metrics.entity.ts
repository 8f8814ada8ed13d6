import { Column, Entity, PrimaryColumn } from 'typeorm';

/** read_models.payment_metrics: lifetime counters per (provider, currency); sums are numeric strings. */
@Entity({ schema: 'read_models', name: 'payment_metrics' })
export class PaymentMetricsEntity {
  @PrimaryColumn({ type: 'text' }) provider!: string;
  @PrimaryColumn({ type: 'text' }) currency!: string;
  @Column({ name: 'payments_created', type: 'bigint' }) paymentsCreated!: string;
  @Column({ name: 'payments_succeeded', type: 'bigint' }) paymentsSucceeded!: string;
  @Column({ name: 'payments_failed', type: 'bigint' }) paymentsFailed!: string;
  @Column({ name: 'payments_refunded', type: 'bigint' }) paymentsRefunded!: string;
  @Column({ name: 'payments_disputed', type: 'bigint' }) paymentsDisputed!: string;
  @Column({ name: 'volume_created', type: 'numeric' }) volumeCreated!: string;
  @Column({ name: 'volume_succeeded', type: 'numeric' }) volumeSucceeded!: string;
  @Column({ name: 'volume_refunded', type: 'numeric' }) volumeRefunded!: string;
  @Column({ name: 'processing_time_sum_ms', type: 'numeric' }) processingTimeSumMs!: string;
  @Column({ name: 'processing_time_count', type: 'bigint' }) processingTimeCount!: string;
  @Column({ name: 'fraud_flags', type: 'bigint' }) fraudFlags!: string;
}
