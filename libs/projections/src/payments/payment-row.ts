import type { Pool, PoolClient } from 'pg';
import type { PaymentStatus, Provider } from '@ledger/payments-domain';
import { insertRows, tableName, upsertReplacing, type CellValue, type ColumnSpec } from '../sql/upsert';

/** In-memory image of one read_models.payments row while a batch is folded. */
export interface PaymentRow {
  paymentId: string;
  provider: Provider;
  status: PaymentStatus;
  amount: number;
  currency: string;
  refundedAmount: number;
  /** What the provider captured (booked); null until success. */
  capturedAmount: number | null;
  customerId: string | null;
  description: string | null;
  providerPaymentId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  fraudFlagCount: number;
  disputed: boolean;
  /** Amount under an open dispute now. */
  disputedAmount: number;
  /** Amounts of disputes lost. */
  disputeLosses: number;
  processingTimeMs: number | null;
  createdAt: Date;
  processingAt: Date | null;
  succeededAt: Date | null;
  failedAt: Date | null;
  updatedAt: Date;
  revision: bigint;
}

const KEY: ColumnSpec[] = [{ name: 'payment_id', type: 'text' }];
const COLUMNS: ColumnSpec[] = [
  ['provider', 'text'],
  ['status', 'text'],
  ['amount', 'bigint'],
  ['currency', 'text'],
  ['refunded_amount', 'bigint'],
  ['customer_id', 'text'],
  ['description', 'text'],
  ['provider_payment_id', 'text'],
  ['error_code', 'text'],
  ['error_message', 'text'],
  ['fraud_flagged', 'boolean'],
  ['fraud_flag_count', 'integer'],
  ['disputed', 'boolean'],
  ['disputed_amount', 'bigint'],
  ['dispute_losses', 'bigint'],
  ['processing_time_ms', 'bigint'],
  ['created_at', 'timestamptz'],
  ['processing_at', 'timestamptz'],
  ['succeeded_at', 'timestamptz'],
  ['failed_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['revision', 'bigint'],
  ['captured_amount', 'bigint'],
].map(([name, type]) => ({ name, type }));

interface StoredRow {
  payment_id: string;
  provider: Provider;
  status: PaymentStatus;
  amount: string;
  currency: string;
  refunded_amount: string;
  customer_id: string | null;
  description: string | null;
  provider_payment_id: string | null;
  error_code: string | null;
  error_message: string | null;
  fraud_flag_count: number;
  disputed: boolean;
  disputed_amount: string;
  dispute_losses: string;
  processing_time_ms: string | null;
  created_at: Date;
  processing_at: Date | null;
  succeeded_at: Date | null;
  failed_at: Date | null;
  updated_at: Date;
  revision: string;
  captured_amount: string | null;
}

export async function loadPayments(tx: Pool | PoolClient, schema: string, ids: readonly string[]): Promise<Map<string, PaymentRow>> {
  const { rows } = await tx.query<StoredRow>(`SELECT * FROM ${tableName(schema, 'payments')} WHERE payment_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.payment_id, fromStored(r)]));
}

export async function savePayments(tx: PoolClient, schema: string, rows: Iterable<PaymentRow>): Promise<void> {
  await upsertReplacing(tx, tableName(schema, 'payments'), KEY, COLUMNS, toCells(rows));
}

/** Rows that cannot be there yet: a plain insert, so one that is there after all violates the key. */
export async function insertPayments(tx: PoolClient, schema: string, rows: Iterable<PaymentRow>): Promise<void> {
  await insertRows(tx, tableName(schema, 'payments'), [...KEY, ...COLUMNS], toCells(rows));
}

function toCells(rows: Iterable<PaymentRow>): CellValue[][] {
  return [...rows].map((p) => [
    p.paymentId,
    p.provider,
    p.status,
    p.amount,
    p.currency,
    p.refundedAmount,
    p.customerId,
    p.description,
    p.providerPaymentId,
    p.errorCode,
    p.errorMessage,
    p.fraudFlagCount > 0,
    p.fraudFlagCount,
    p.disputed,
    p.disputedAmount,
    p.disputeLosses,
    p.processingTimeMs,
    iso(p.createdAt),
    iso(p.processingAt),
    iso(p.succeededAt),
    iso(p.failedAt),
    iso(p.updatedAt),
    p.revision,
    p.capturedAmount,
  ]);
}

function fromStored(r: StoredRow): PaymentRow {
  return {
    paymentId: r.payment_id,
    provider: r.provider,
    status: r.status,
    amount: Number(r.amount),
    currency: r.currency,
    refundedAmount: Number(r.refunded_amount),
    customerId: r.customer_id,
    description: r.description,
    providerPaymentId: r.provider_payment_id,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    fraudFlagCount: r.fraud_flag_count,
    disputed: r.disputed,
    disputedAmount: Number(r.disputed_amount),
    disputeLosses: Number(r.dispute_losses),
    processingTimeMs: r.processing_time_ms === null ? null : Number(r.processing_time_ms),
    createdAt: r.created_at,
    processingAt: r.processing_at,
    succeededAt: r.succeeded_at,
    failedAt: r.failed_at,
    updatedAt: r.updated_at,
    revision: BigInt(r.revision),
    capturedAmount: r.captured_amount === null ? null : Number(r.captured_amount),
  };
}

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}
