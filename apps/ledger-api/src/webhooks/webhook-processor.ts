import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  EVENT_STORE, StreamNotFoundError, WrongExpectedVersionError, type EventStore, type RecordedEvent,
} from '@ledger/event-store';
import {
  PAYMENT_COMMAND_TYPES, evolve, initialState, isDomainError, paymentStreamId, upcast, type PaymentCommand,
  type PaymentCommandType, type PaymentEvent, type Provider,
} from '@ledger/payments-domain';
import { planCommands, webhookActor, type PaymentSnapshot, type ProviderDelivery } from '@ledger/provider-webhooks';
import { deterministicUuid } from '../idempotency/hashing';
import { ExecutePaymentCommand, type CommandContext } from '../payments/execute-payment.command';
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

type Snapshot = PaymentSnapshot & { readonly eventIds: ReadonlySet<string>; readonly revision: bigint };

/** Racing deliveries of different events for one payment converge within a few rounds. */
const MAX_ROUNDS = 6;

/**
 * A verified, mapped delivery becomes commands on the same CommandBus handler
 * as the HTTP API. Exactly once rests on the event ids, not on a TTL: each
 * command of a delivery appends ids derived from (provider, delivery id,
 * command), so a retry hours later, or 20 at once, finds its ids in the
 * stream and appends nothing.
 */
@Injectable()
export class WebhookProcessor {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly webhooks: WebhookStore,
  ) {}

  async process({ provider, deliveryId, intent }: ProviderDelivery, request: WebhookRequest): Promise<WebhookResult> {
    if (intent.kind === 'ignored') return { outcome: 'ignored' };
    const paymentId =
      intent.paymentIdHint ??
      (await this.webhooks.findPayment(provider, intent.references)) ??
      // Unknown everywhere: the same reference always names the same new payment, also under concurrency.
      deterministicUuid('payment', provider, intent.references[0]);
    const streamId = paymentStreamId(paymentId);
    const eventIdOf = (type: PaymentCommandType) => commandEventId(provider, deliveryId, type, streamId);
    const ownIds = PAYMENT_COMMAND_TYPES.map(eventIdOf);

    for (let round = 1; ; round++) {
      const snapshot = await this.snapshot(streamId);
      let planned: PaymentCommand[];
      try {
        planned = planCommands(intent, snapshot, { paymentId, provider, now: new Date() });
      } catch (error) {
        if (isDomainError(error) && error.code === 'payment_not_found') return { outcome: 'unmatched', paymentId };
        throw error;
      }
      const todo = planned.filter((command) => !snapshot.eventIds.has(eventIdOf(command.type)));
      if (todo.length === 0) {
        await this.webhooks.rememberPayment(provider, intent.references, paymentId);
        return { outcome: ownIds.some((id) => snapshot.eventIds.has(id)) ? 'duplicate' : 'noop', paymentId };
      }
      try {
        for (const command of todo) await this.commandBus.execute(this.toBusCommand(command, provider, deliveryId, request));
        await this.webhooks.rememberPayment(provider, intent.references, paymentId);
        return { outcome: 'handled', paymentId };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) && !isDomainError(error)) throw error;
        const moved = (await this.snapshot(streamId)).revision !== snapshot.revision;
        if (isDomainError(error) && !moved) return { outcome: 'rejected', paymentId, detail: error.code };
        if (round >= MAX_ROUNDS) throw error;
      }
    }
  }

  private toBusCommand(command: PaymentCommand, provider: Provider, deliveryId: string, request: WebhookRequest) {
    const context: CommandContext & { deliveryId: string } = {
      actor: webhookActor(provider),
      correlationId: request.correlationId,
      // The delivery caused these events; deliveryId also goes in its own field once the handler copies it.
      causationId: deliveryId,
      sourceIp: request.sourceIp,
      idempotency: { apiKeyId: webhookActor(provider), key: idempotencyKey(deliveryId, command.type) },
      deliveryId,
    };
    return new ExecutePaymentCommand(command, context);
  }

  private async snapshot(streamId: string): Promise<Snapshot> {
    let recorded: RecordedEvent[];
    try {
      recorded = await this.store.readStream(streamId);
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      recorded = [];
    }
    let state = initialState();
    const refundIds = new Set<string>();
    for (const stored of recorded) {
      const version = (stored.metadata as { schemaVersion?: unknown }).schemaVersion;
      const event = { type: stored.type, data: upcast(stored.type, stored.data, typeof version === 'number' ? version : 1) } as PaymentEvent;
      state = evolve(state, event);
      if (event.type === 'PaymentRefunded') refundIds.add(event.data.refundId);
    }
    const revision = recorded.length === 0 ? -1n : recorded[recorded.length - 1].revision;
    return { state, refundIds, eventIds: new Set(recorded.map((e) => e.eventId)), revision };
  }
}

const idempotencyKey = (deliveryId: string, type: PaymentCommandType): string => `${deliveryId}#${type}`;

/** The first event id the command handler derives for this delivery's command (ExecutePaymentHandler's scheme). */
function commandEventId(provider: Provider, deliveryId: string, type: PaymentCommandType, streamId: string): string {
  return deterministicUuid(webhookActor(provider), idempotencyKey(deliveryId, type), streamId, '0');
}
