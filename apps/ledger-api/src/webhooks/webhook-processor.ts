import { Injectable } from '@nestjs/common';
import { WrongExpectedVersionError } from '@ledger/event-store';
import { deterministicUuid, PaymentCommandRunner, type CommandContext } from '@ledger/payments-app';
import { isDomainError, type PaymentCommand, type Provider } from '@ledger/payments-domain';
import { planCommands, providerClock, webhookActor, type ProviderDelivery } from '@ledger/provider-webhooks';
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
    const receivedAt = new Date();
    const skewed = providerClock(intent, receivedAt).skewed;
    // A provider clock we did not believe is kept beside the event, for whoever audits it.
    const flags = skewed ? { providerTimeAhead: skewed.toISOString() } : undefined;
    const contextOf = (command: PaymentCommand) => ({ ...commandContext(command, provider, deliveryId, request), flags });

    for (let round = 1; ; round++) {
      const loaded = await this.payments.load(paymentId);
      let planned: PaymentCommand[];
      try {
        planned = planCommands(intent, { state: loaded.state }, { paymentId, provider, now: receivedAt });
      } catch (error) {
        if (isDomainError(error) && error.code === 'payment_not_found') return { outcome: 'unmatched', paymentId };
        throw error;
      }
      const todo = planned.filter((command) => !this.payments.wasApplied(loaded, command.type, contextOf(command)));
      if (todo.length === 0) {
        await this.webhooks.rememberPayment(provider, intent.references, paymentId);
        const seen = loaded.history.some((e) => (e.metadata as { deliveryId?: unknown }).deliveryId === deliveryId);
        return { outcome: seen ? 'duplicate' : 'noop', paymentId };
      }
      try {
        for (const command of todo) await this.payments.run(command, contextOf(command));
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

function commandContext(command: PaymentCommand, provider: Provider, deliveryId: string, request: WebhookRequest): CommandContext {
  return {
    actor: webhookActor(provider),
    correlationId: request.correlationId,
    // The delivery caused these events.
    causationId: deliveryId,
    sourceIp: request.sourceIp,
    idempotency: { namespace: webhookActor(provider), key: `${deliveryId}#${command.type}${subjectOf(command)}` },
    deliveryId,
  };
}

/** One delivery may name several refunds (Stripe's list in charge.refunded): each keeps its own event ids. */
function subjectOf(command: PaymentCommand): string {
  if (command.type === 'RefundPayment' || command.type === 'ReverseRefund')
    return `:${command.data.providerRefundId ?? command.data.refundId}`;
  if (command.type === 'OpenDispute' || command.type === 'CloseDispute') return `:${command.data.disputeId}`;
  return '';
}
