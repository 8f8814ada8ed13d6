import { CURRENT_SCHEMA_VERSION, type EventMetadata, type PaymentCommand } from '@ledger/payments-domain';
import type { CommandKey } from './event-ids';

/** Who asks for a command and under which key: the metadata of whatever it appends. */
export interface CommandContext {
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly sourceIp?: string;
  /** With a key, event ids are derived from it and the command, so a retried append cannot double-append. */
  readonly idempotency?: CommandKey;
  /** A provider webhook's delivery id (Stripe evt_…, Paystack's id). */
  readonly deliveryId?: string;
  /** Notes kept in the event metadata (e.g. a provider time that was not believed). */
  readonly flags?: Readonly<Record<string, string>>;
}

export function eventMetadata(command: PaymentCommand, context: CommandContext): EventMetadata & Record<string, unknown> {
  const metadata: EventMetadata & Record<string, unknown> = {
    correlationId: context.correlationId,
    causationId: context.causationId,
    actor: context.actor,
    schemaVersion: CURRENT_SCHEMA_VERSION,
    occurredAt: command.now.toISOString(),
  };
  if (context.sourceIp) metadata.sourceIp = context.sourceIp;
  if (context.idempotency) metadata.idempotencyKey = context.idempotency.key;
  if (context.deliveryId) metadata.deliveryId = context.deliveryId;
  return { ...context.flags, ...metadata };
}
