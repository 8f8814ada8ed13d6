import { Injectable } from '@nestjs/common';
import { WrongExpectedVersionError } from '@ledger/event-store';
import { deterministicUuid, PaymentCommandRunner, type CommandContext } from '@ledger/payments-app';
import {
  PAYMENT_COMMAND_TYPES, isDomainError, type PaymentCommand, type PaymentCommandType, type Provider,
} from '@ledger/payments-domain';
import { planCommands, webhookActor, type PaymentSnapshot, type ProviderDelivery } from '@ledger/provider-webhooks';
import type { DeliveryOutcome } from './webhook-store';
import { WebhookStore } from './webhook-store';

export interface WebhookRequest {
  readonly correlationId: string;
  readonly sourceIp: string;
}

export interface WebhookResult {
  readonly outcome: DeliveryOutcome;
  readonly paymentId?: string;
  readonly detail?: string;
}

/** Racing deliveries of different events for one payment converge within a few rounds. */
const MAX_ROUNDS = 6;

/**
 * A verified, mapped delivery becomes commands run by the same runner as the
 * HTTP API. Exactly once rests on the event ids, not on a TTL: each command
 * of a delivery is keyed by (provider, delivery id, command), so a retry
 * hours later, or 20 at once, finds its ids in the stream and appends nothing.
 */
@Injectable()
export class WebhookProcessor {
  constructor(
    private readonly payments: PaymentCommandRunner,
    private readonly webhooks: WebhookStore,
  ) {}

  async process({ provider, deliveryId, intent }: ProviderDelivery, request: WebhookRequest): Promise<WebhookResult> {
    if (intent.kind === 'ignored') return { outcome: 'ignored' };
    const paymentId =
      intent.paymentIdHint ??
      (await this.webhooks.findPayment(provider, intent.references)) ??
      // Unknown everywhere: the same reference always names the same new payment, also under concurrency.
      deterministicUuid('payment', provider, intent.references[0]);
    const contextOf = (type: PaymentCommandType) => commandContext(type, provider, deliveryId, request);

    for (let round = 1; ; round++) {
      const loaded = await this.payments.load(paymentId);
      const snapshot: PaymentSnapshot = { state: loaded.state, refundIds: refundIdsOf(loaded.history) };
      let planned: PaymentCommand[];
      try {
        planned = planCommands(intent, snapshot, { paymentId, provider, now: new Date() });
      } catch (error) {
        if (isDomainError(error) && error.code === 'payment_not_found') return { outcome: 'unmatched', paymentId };
        throw error;
      }
      const applied = (type: PaymentCommandType) => this.payments.wasApplied(loaded, type, contextOf(type));
      const todo = planned.filter((command) => !applied(command.type));
      if (todo.length === 0) {
        await this.webhooks.rememberPayment(provider, intent.references, paymentId);
        return { outcome: PAYMENT_COMMAND_TYPES.some(applied) ? 'duplicate' : 'noop', paymentId };
      }
      try {
        for (const command of todo) await this.payments.run(command, contextOf(command.type));
        await this.webhooks.rememberPayment(provider, intent.references, paymentId);
        return { outcome: 'handled', paymentId };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) && !isDomainError(error)) throw error;
        const moved = (await this.payments.load(paymentId)).expected !== loaded.expected;
        if (isDomainError(error) && !moved) return { outcome: 'rejected', paymentId, detail: error.code };
        if (round >= MAX_ROUNDS) throw error;
      }
    }
  }
}

function commandContext(type: PaymentCommandType, provider: Provider, deliveryId: string, request: WebhookRequest): CommandContext {
  return {
    actor: webhookActor(provider),
    correlationId: request.correlationId,
    // The delivery caused these events.
    causationId: deliveryId,
    sourceIp: request.sourceIp,
    idempotency: { namespace: webhookActor(provider), key: `${deliveryId}#${type}` },
    deliveryId,
  };
}

function refundIdsOf(history: readonly { type: string; data: unknown }[]): Set<string> {
  const ids = new Set<string>();
  for (const event of history) {
    if (event.type !== 'PaymentRefunded') continue;
    const { refundId, providerRefundId } = event.data as { refundId: string; providerRefundId?: string };
    ids.add(refundId);
    // A refund recorded through the API with the provider's id is the provider's refund.
    if (providerRefundId) ids.add(providerRefundId);
  }
  return ids;
}
