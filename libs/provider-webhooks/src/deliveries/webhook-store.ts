import type { Pool } from 'pg';
import type { Provider } from '@ledger/payments-domain';

export type DeliveryOutcome =
  'handled' | 'duplicate' | 'noop' | 'ignored' | 'rejected' | 'unmatched' | 'invalid_signature' | 'forbidden_ip' | 'invalid_payload';

export interface DeliveryRecord {
  readonly provider: Provider;
  readonly outcome: DeliveryOutcome;
  readonly deliveryId?: string;
  readonly eventType?: string;
  readonly detail?: string;
  readonly paymentId?: string;
  readonly sourceIp?: string;
}

/** ledger.provider_references and ledger.webhook_deliveries (migrations/1764000400000-provider-webhooks.ts), as the API's webhook path writes and reads them. */
export class WebhookStore {
  constructor(private readonly pool: Pool) {}

  /** Our payment id for the first of the references we know. */
  async findPayment(provider: Provider, references: readonly string[]): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ payment_id: string }>(
      `SELECT payment_id FROM ledger.provider_references
        WHERE provider = $1 AND reference = ANY($2::text[])
        ORDER BY array_position($2::text[], reference) LIMIT 1`,
      [provider, references],
    );
    return rows[0]?.payment_id;
  }

  /** First writer wins, so two concurrent first sights cannot re-point a reference. */
  async rememberPayment(provider: Provider, references: readonly string[], paymentId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ledger.provider_references (provider, reference, payment_id)
       SELECT $1, reference, $3 FROM unnest($2::text[]) AS reference
       ON CONFLICT DO NOTHING`,
      [provider, references, paymentId],
    );
  }

  /**
   * The payment a provider event id was first processed for (Stripe's `evt_…` names one event about one object):
   * the same id about another payment is a second object under one event id, a mismatch, never a new payment.
   */
  async paymentOfDelivery(provider: Provider, deliveryId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ payment_id: string }>(
      `SELECT payment_id FROM ledger.webhook_deliveries
        WHERE provider = $1 AND delivery_id = $2 AND payment_id IS NOT NULL AND outcome IN ('handled', 'duplicate', 'noop')
        ORDER BY id LIMIT 1`,
      [provider, deliveryId],
    );
    return rows[0]?.payment_id;
  }

  async recordDelivery(record: DeliveryRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ledger.webhook_deliveries (provider, delivery_id, event_type, outcome, detail, payment_id, source_ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        record.provider,
        record.deliveryId ?? null,
        record.eventType?.slice(0, 128) ?? null,
        record.outcome,
        record.detail?.slice(0, 500) ?? null,
        record.paymentId ?? null,
        record.sourceIp ?? null,
      ],
    );
  }
}
