import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  EVENT_STORE, StreamNotFoundError, WrongExpectedVersionError, type EventStore, type RecordedEvent,
} from '@ledger/event-store';
import {
  CURRENT_SCHEMA_VERSION, decide, foldPayment, paymentStreamId, upcast, type EventMetadata, type PaymentCommand,
  type PaymentEvent,
} from '@ledger/payments-domain';
import { deterministicUuid } from '../idempotency/hashing';
import { ApiMetrics } from '../metrics/metrics';
import type { StoredPaymentEvent } from './payment-view';

export interface CommandContext {
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly sourceIp?: string;
  /** With a key, event ids are derived from it, so a retried append cannot double-append. */
  readonly idempotency?: { readonly apiKeyId: string; readonly key: string };
  /** A provider webhook's delivery id (Stripe evt_…, Paystack's id). */
  readonly deliveryId?: string;
}

export interface PaymentCommandResult {
  /** The whole stream after the command, new events included. */
  readonly events: StoredPaymentEvent[];
}

export class ExecutePaymentCommand extends Command<PaymentCommandResult> {
  constructor(
    readonly command: PaymentCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Bounded: under a storm of commands on one payment, some lose and get 409 concurrency_conflict. */
const MAX_ATTEMPTS = 8;

@CommandHandler(ExecutePaymentCommand)
export class ExecutePaymentHandler implements ICommandHandler<ExecutePaymentCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly metrics: ApiMetrics,
  ) {}

  async execute({ command, context }: ExecutePaymentCommand): Promise<PaymentCommandResult> {
    const streamId = paymentStreamId(command.data.paymentId);
    const eventId = (index: number): string =>
      context.idempotency
        ? deterministicUuid(context.idempotency.apiKeyId, context.idempotency.key, streamId, String(index))
        : randomUUID();
    const firstEventId = context.idempotency ? eventId(0) : undefined;
    for (let attempt = 1; ; attempt++) {
      const history = await this.readHistory(streamId);
      // A retry after a crash between append and response, the stream having moved on since: already applied.
      if (firstEventId && history.some((e) => e.eventId === firstEventId)) return { events: history };
      const decided = decide(command, foldPayment(history.map(toDomainEvent)));
      const metadata = this.metadata(command, context);
      const expected = history.length === 0 ? 'no_stream' : history[history.length - 1].revision;
      try {
        const result = await this.store.appendToStream(
          streamId,
          decided.map((e, i) => ({ eventId: eventId(i), type: e.type, data: e.data, metadata: { ...metadata } })),
          expected,
        );
        this.metrics.commandAppended(command.type);
        const first = result.nextExpectedRevision - BigInt(decided.length - 1);
        const appended = decided.map((e, i) => ({ ...e, revision: first + BigInt(i), metadata }));
        return { events: [...history, ...appended] };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
      }
    }
  }

  private async readHistory(streamId: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(streamId);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private metadata(command: PaymentCommand, context: CommandContext): EventMetadata & Record<string, unknown> {
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
    return metadata;
  }
}

function toDomainEvent(event: RecordedEvent): PaymentEvent {
  const version = (event.metadata as { schemaVersion?: unknown }).schemaVersion;
  return { type: event.type, data: upcast(event.type, event.data, typeof version === 'number' ? version : 1) } as PaymentEvent;
}
