import { Column, Entity, PrimaryColumn } from 'typeorm';

/** read_models.payments: current state per payment. Written by the ledger projection only. */
@Entity({ schema: 'read_models', name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn({ name: 'payment_id', type: 'text' }) paymentId!: string;
  @Column({ type: 'text' }) provider!: string;
  @Column({ type: 'text' }) status!: string;
  /** Minor units; bigint comes back as a string. */
  @Column({ type: 'bigint' }) amount!: string;
  @Column({ type: 'text' }) currency!: string;
  @Column({ name: 'refunded_amount', type: 'bigint' }) refundedAmount!: string;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId!: string | null;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ name: 'provider_payment_id', type: 'text', nullable: true }) providerPaymentId!: string | null;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode!: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage!: string | null;
  @Column({ name: 'fraud_flagged', type: 'boolean' }) fraudFlagged!: boolean;
  @Column({ name: 'fraud_flag_count', type: 'integer' }) fraudFlagCount!: number;
  @Column({ type: 'boolean' }) disputed!: boolean;
  @Column({ name: 'processing_time_ms', type: 'bigint', nullable: true }) processingTimeMs!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'processing_at', type: 'timestamptz', nullable: true }) processingAt!: Date | null;
  @Column({ name: 'succeeded_at', type: 'timestamptz', nullable: true }) succeededAt!: Date | null;
  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true }) failedAt!: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ type: 'bigint' }) revision!: string;
}
