import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { deterministicUuid, RecordProviderDeliveryCommand, type CommandContext } from '@ledger/payments-app';
import { isDomainError, type PaymentCommand, type Provider } from '@ledger/payments-domain';
import {
  planCommands,
  providerClock,
  webhookActor,
  WebhookStore,
  type DeliveryOutcome,
  type ProviderDelivery,
} from '@ledger/provider-webhooks';

export interface WebhookRequest {
  readonly correlationId: string;
  readonly sourceIp: string;
}

export interface WebhookResult {
  readonly outcome: DeliveryOutcome;
  readonly paymentId?: string;
  readonly detail?: string;
}

/**
 * A verified, mapped delivery becomes one command on the bus: the delivery's plan for the payment as it
 * stands, run by the same use case as the HTTP API (a lost race re-plans on fresh state). Exactly once
 * rests on the event ids, not on a TTL: each planned command is keyed by (provider, delivery id, command),
 * so a retry hours later, or 20 at once, finds its ids in the stream and appends nothing.
 */
@Injectable()
export class WebhookProcessor {
  constructor(
    private readonly bus: CommandBus,
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
    // One provider event id is one event about one object: the same id about another payment is a mismatch.
    const first = await this.webhooks.paymentOfDelivery(provider, deliveryId);
    if (first !== undefined && first !== paymentId) {
      const plan = () => [reusedEventId(first, deliveryId, intent, receivedAt)];
      const reused = await this.bus.execute(
        new RecordProviderDeliveryCommand({
          paymentId: first,
          plan,
          contextOf: (command) => commandContext(command, provider, deliveryId, request),
        }),
      );
      return { outcome: 'rejected', paymentId: first, detail: reused.refused?.code ?? 'provider_mismatch' };
    }
    const skewed = providerClock(intent, receivedAt).skewed;
    // A provider clock we did not believe is kept beside the event, for whoever audits it.
    const flags = skewed ? { providerTimeAhead: skewed.toISOString() } : undefined;
    let outcome;
    try {
      outcome = await this.bus.execute(
        new RecordProviderDeliveryCommand({
          paymentId,
          plan: (state) => planCommands(intent, { state }, { paymentId, provider, now: receivedAt }),
          contextOf: (command) => ({ ...commandContext(command, provider, deliveryId, request), flags }),
        }),
      );
    } catch (error) {
      if (isDomainError(error) && error.code === 'payment_not_found') return { outcome: 'unmatched', paymentId };
      throw error;
    }
    if (outcome.refused) return { outcome: 'rejected', paymentId, detail: outcome.refused.code };
    await this.webhooks.rememberPayment(provider, intent.references, paymentId);
    if (outcome.appended.length > 0) return { outcome: 'handled', paymentId };
    const seen = outcome.events.some((e) => (e.metadata as { deliveryId?: unknown }).deliveryId === deliveryId);
    return { outcome: seen ? 'duplicate' : 'noop', paymentId };
  }
}

/** The second object under one provider event id, kept on the first one's payment with both sides. */
function reusedEventId(paymentId: string, deliveryId: string, intent: PaymentIntentOf, now: Date): PaymentCommand {
  const facts = intent.facts;
  const provider = { amount: facts?.amount, currency: facts?.currency, references: [deliveryId, ...intent.references] };
  return {
    type: 'ReportProviderMismatch',
    data: {
      paymentId,
      mismatchId: `event:${deliveryId}:${intent.references[0]}`,
      subject: 'event',
      kind: 'object',
      holds: false,
      provider: Object.fromEntries(Object.entries(provider).filter(([, v]) => v !== undefined)),
      eventType: intent.eventType,
    },
    now,
  };
}

type PaymentIntentOf = Extract<ProviderDelivery['intent'], { kind: 'payment' }>;

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
  if (command.type === 'ReportProviderMismatch') return `:${command.data.mismatchId}`;
  return '';
}
