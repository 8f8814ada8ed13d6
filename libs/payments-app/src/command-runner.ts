import { WrongExpectedVersionError, type EventStore, type ExpectedRevision, type RecordedEvent } from '@ledger/event-store';
import {
  CURRENT_SCHEMA_VERSION,
  decide,
  evolve,
  initialState,
  paymentStreamId,
  toPaymentEvent,
  type EventMetadata,
  type PaymentCommand,
  type PaymentCommandType,
  type PaymentState,
} from '@ledger/payments-domain';
import { dataKeyOwner, type PersonalDataCipher } from '@ledger/security';
import type { CommandJournal, KeyedRecord } from './command-journal';
import { CommandEventIds, type CommandKey } from './event-ids';
import { hasPersonalFields, openPersonalFields, sealPersonalFields } from './personal-fields';

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
  /** With a journal, the key is claimed with the stream read and the response recorded with the append. */
  readonly record?: KeyedRecord;
}

/** A stored event, or one this command just appended (no position or recorded time yet). */
export interface StreamEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly revision: bigint;
  readonly metadata: Record<string, unknown>;
  readonly recordedAt?: Date;
}

/** A payment stream as loaded: what was stored, and the decision state folded from it. */
export interface LoadedPayment {
  readonly streamId: string;
  readonly history: readonly RecordedEvent[];
  readonly state: PaymentState;
  readonly expected: ExpectedRevision;
}

export interface CommandOutcome {
  /** The whole stream after the command, new events included. */
  readonly events: readonly StreamEvent[];
  /** False when the keyed command had been applied before (a retry): nothing new was appended. */
  readonly appended: boolean;
}

export interface CommandRunnerOptions {
  /** Bounded: under a storm of commands on one payment, some lose with WrongExpectedVersionError. */
  readonly maxAttempts?: number;
  readonly onAppended?: (command: PaymentCommand) => void;
  /** Personal fields are stored encrypted under the customer's data key; without it they are stored as given. */
  readonly personalData?: PersonalDataCipher;
  /** The PostgreSQL store's: keyed commands in one commit (see CommandJournal). */
  readonly journal?: CommandJournal;
}

/** What the caller will answer for the stream after the command (its recorded response is this, sealed). */
export type Present = (events: readonly StreamEvent[]) => unknown;

/**
 * The one way to run a payment command, for the API, the webhooks and any
 * future process manager: load the stream, upcast and fold, decide, append
 * at the expected revision, retry on a lost race with fresh state.
 */
export class PaymentCommandRunner {
  private readonly maxAttempts: number;

  constructor(
    private readonly store: EventStore,
    private readonly options: CommandRunnerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  async load(paymentId: string, claim?: { journal: CommandJournal; record: KeyedRecord }): Promise<LoadedPayment> {
    const streamId = paymentStreamId(paymentId);
    const history = claim ? await claim.journal.claimAndRead(streamId, claim.record) : await this.store.readStream(streamId);
    const state = history.reduce((s, stored) => evolve(s, toPaymentEvent(stored)), initialState());
    const expected: ExpectedRevision = history.length === 0 ? 'no_stream' : history[history.length - 1].revision;
    return { streamId, history, state, expected };
  }

  /** Whether a keyed command of this type has already been appended to a loaded stream. */
  wasApplied(loaded: LoadedPayment, commandType: PaymentCommandType, context: CommandContext): boolean {
    return new CommandEventIds(context.idempotency, loaded.streamId, commandType).appliedIn(loaded.history);
  }

  /** `present` is what the caller answers for the stream after the command; with a journal it is recorded with the append. */
  async run(command: PaymentCommand, context: CommandContext, present: Present = (events) => events): Promise<CommandOutcome> {
    const journal = context.record && this.options.journal;
    for (let attempt = 1; ; attempt++) {
      // The key is claimed once; a retry after a lost race only reads again.
      const claim = journal && context.record && !context.record.claimed ? { journal, record: context.record } : undefined;
      const loaded = await this.load(command.data.paymentId, claim);
      // One lookup per data key for the whole command: sealing the events, opening the stream, sealing the response.
      const keys = this.options.personalData?.session();
      const ids = new CommandEventIds(context.idempotency, loaded.streamId, command.type);
      // A retry after a crash between append and response, the stream having moved on since: already applied.
      if (ids.appliedIn(loaded.history)) return { events: await this.readable(loaded.history, keys), appended: false };
      const decided = decide(command, loaded.state);
      // Already known (a provider's repeat of a refund or dispute the ledger holds): nothing to append.
      if (decided.length === 0) return { events: await this.readable(loaded.history, keys), appended: false };
      const metadata = eventMetadata(command, context);
      const plain = decided.map((e, i) => ({ eventId: ids.id(i), type: e.type, data: e.data, metadata }));
      const toAppend = await this.protect(plain, loaded, command, keys);
      // Revisions are known before the append (it fails otherwise), so is the response.
      const first = loaded.expected === 'no_stream' ? 0n : (loaded.expected as bigint) + 1n;
      // The caller reads what it asked for: the plaintext of what is stored encrypted.
      const events = [...(await this.readable(loaded.history, keys)), ...plain.map((e, i) => ({ ...e, revision: first + BigInt(i) }))];
      try {
        if (journal && context.record) {
          const response = await context.record.seal(present(events), keys);
          await journal.appendAndRecord(loaded.streamId, toAppend, loaded.expected, context.record, response);
        } else {
          await this.store.appendToStream(loaded.streamId, toAppend, loaded.expected);
        }
        this.options.onAppended?.(command);
        return { events, appended: true };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= this.maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
      }
    }
  }

  private async readable(history: readonly RecordedEvent[], cipher = this.options.personalData): Promise<StreamEvent[]> {
    if (!cipher) return [...history];
    const open = cipher.opener();
    return Promise.all(history.map((e) => openPersonalFields(e, open)));
  }

  /** The data key is made before the append when missing: a key without events is harmless, an event without its key is not. */
  private async protect<E extends { data: unknown; metadata: Record<string, unknown> }>(
    events: E[],
    loaded: LoadedPayment,
    command: PaymentCommand,
    cipher = this.options.personalData,
  ): Promise<E[]> {
    if (!cipher || !events.some((e) => hasPersonalFields(e.data, e.metadata))) return events;
    const created = loaded.history[0]?.data as { customerId?: unknown } | undefined;
    const customerId = created ? created.customerId : (command.data as { customerId?: unknown }).customerId;
    const seal = await cipher.sealerFor(dataKeyOwner({ customerId, paymentId: command.data.paymentId }));
    return events.map((e) => ({ ...e, ...sealPersonalFields(e.data, e.metadata, seal) }));
  }
}

function eventMetadata(command: PaymentCommand, context: CommandContext): EventMetadata & Record<string, unknown> {
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
