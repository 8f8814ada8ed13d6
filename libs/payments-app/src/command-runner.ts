import {
  WrongExpectedVersionError,
  type EventData,
  type EventStore,
  type ExpectedRevision,
  type IdempotencyLog,
  type RecordedEvent,
} from '@ledger/event-store';
import {
  decide,
  evolve,
  initialState,
  isDomainError,
  paymentStreamId,
  toPaymentEvents,
  type DomainError,
  type PaymentCommand,
  type PaymentState,
} from '@ledger/payments-domain';
import { dataKeyOwner, type PersonalDataCipher } from '@ledger/security';
import { CommandEventIds } from './event-ids';
import { eventMetadata, type CommandContext } from './command-context';
import { IdempotencyKeyInFlight, IdempotencyKeyReused, type KeyedOutcome, type KeyedRequest } from './keyed';
import { hasPersonalFields, openPersonalFields, sealPersonalFields } from './personal-fields';

/** A stored event, or one this command just appended (no position or recorded time yet). */
export interface StreamEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly revision: bigint;
  readonly metadata: Record<string, unknown>;
  readonly recordedAt?: Date;
}

/**
 * What to run on one payment: one command from the API, a provider delivery's commands from a webhook,
 * one a process manager decided. `plan` is asked again with fresh state after a lost race.
 */
export interface CommandRequest {
  readonly paymentId: string;
  readonly plan: (state: PaymentState) => readonly PaymentCommand[];
  /** Each command's context: who asked, and the key its event ids are derived from. */
  readonly contextOf: (command: PaymentCommand) => CommandContext;
}

export interface CommandOutcome {
  /** The whole stream after the commands, plaintext, new events included. */
  readonly events: readonly StreamEvent[];
  readonly planned: readonly PaymentCommand[];
  /** The planned commands that appended events now (not before, by a retry of the same key). */
  readonly appended: readonly PaymentCommand[];
  /** The first planned command the state machine refused; what it and the commands after it decided was not appended. */
  readonly refused?: DomainError;
}

export interface CommandRunnerOptions {
  /** Bounded: under a storm of commands on one payment, some lose with WrongExpectedVersionError. */
  readonly maxAttempts?: number;
  /** Personal fields are stored encrypted under the customer's data key; without it they are stored as given. */
  readonly personalData?: PersonalDataCipher;
  /** Where keyed commands claim their Idempotency-Key and store their answer; without it keyed requests are refused. */
  readonly idempotency?: IdempotencyLog;
}

interface Attempt {
  readonly toAppend: EventData[];
  readonly outcome: CommandOutcome;
}

/**
 * The one way to run payment commands, for the API, the webhooks and any process manager: load the
 * stream, upcast and fold, plan, decide, append at the expected revision, and on a lost race do it all
 * again with fresh state (the only retry). A keyed request claims its Idempotency-Key with the read and
 * stores its answer with the append, in one commit where the store allows.
 */
export class PaymentCommandRunner {
  private readonly maxAttempts: number;

  constructor(
    private readonly store: EventStore,
    private readonly options: CommandRunnerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  /** One command; the state machine's refusal is thrown (a DomainError with its stable code). */
  async run(command: PaymentCommand, context: CommandContext): Promise<CommandOutcome> {
    const outcome = await this.execute(single(command, context));
    if (outcome.refused) throw outcome.refused;
    return outcome;
  }

  /** Runs the plan; a refusal is in the outcome, not thrown. */
  async execute(request: CommandRequest): Promise<CommandOutcome> {
    const streamId = paymentStreamId(request.paymentId);
    let history = await this.store.readStream(streamId);
    for (let attempt = 1; ; attempt++) {
      const keys = this.options.personalData?.session();
      const { toAppend, outcome } = await this.decideOn(request, streamId, history, keys);
      try {
        if (toAppend.length > 0) await this.store.appendToStream(streamId, toAppend, expectedAfter(history));
        return outcome;
      } catch (error) {
        history = await this.retryAfter(error, attempt, streamId);
      }
    }
  }

  /**
   * Runs the plan under an Idempotency-Key: a replay returns the stored answer; a reuse or a request still in
   * flight is refused (IdempotencyKeyReused, IdempotencyKeyInFlight); otherwise the answer is stored with the
   * append (or alone when nothing is appended), a refusal's answer kept when `answerRefusal` gives one.
   */
  async executeKeyed(request: CommandRequest, keyed: KeyedRequest): Promise<KeyedOutcome> {
    const log = this.options.idempotency;
    if (!log) throw new Error('keyed commands need the idempotency log (CommandRunnerOptions.idempotency)');
    const streamId = paymentStreamId(request.paymentId);
    const claimed = await log.claimAndRead(streamId, keyed.claim);
    if (claimed.kind === 'replay') return { kind: 'replay', answer: claimed.answer };
    if (claimed.kind === 'reused') throw new IdempotencyKeyReused();
    if (claimed.kind === 'in_flight') throw new IdempotencyKeyInFlight();
    let history = claimed.events;
    try {
      for (let attempt = 1; ; attempt++) {
        const keys = this.options.personalData?.session(keyed.dataKeys);
        const { toAppend, outcome } = await this.decideOn(request, streamId, history, keys);
        if (outcome.refused) throw outcome.refused;
        const answer = await keyed.answer(outcome, keys);
        try {
          if (toAppend.length > 0) await log.appendAndRecord(streamId, toAppend, expectedAfter(history), keyed.claim, answer);
          else await log.record(keyed.claim, answer);
          return { kind: 'fresh', outcome };
        } catch (error) {
          history = await this.retryAfter(error, attempt, streamId);
        }
      }
    } catch (error) {
      // A decided refusal is replayed like an answer; anything else (an outage, a lost race) frees the key for a retry.
      const answer = keyed.answerRefusal(error);
      await (answer ? log.record(keyed.claim, answer) : log.release(keyed.claim)).catch(() => undefined);
      throw error;
    }
  }

  /** A lost race is run again on the fresh stream, a bounded number of times; anything else is the caller's. */
  private async retryAfter(error: unknown, attempt: number, streamId: string): Promise<RecordedEvent[]> {
    if (!(error instanceof WrongExpectedVersionError) || attempt >= this.maxAttempts) throw error;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
    return this.store.readStream(streamId);
  }

  /** Fold, plan, and decide each planned command in turn on the state the ones before it leave. */
  private async decideOn(
    request: CommandRequest,
    streamId: string,
    history: readonly RecordedEvent[],
    keys = this.options.personalData,
  ): Promise<Attempt> {
    let state = toPaymentEvents(history).reduce(evolve, initialState());
    const planned = request.plan(state);
    const decided: { command: PaymentCommand; events: Required<EventData>[] }[] = [];
    let refused: DomainError | undefined;
    for (const command of planned) {
      const context = request.contextOf(command);
      const ids = new CommandEventIds(context.idempotency, streamId, command.type);
      // A retry after a crash between append and answer, the stream having moved on since: already applied.
      if (ids.appliedIn(history)) continue;
      let events;
      try {
        events = decide(command, state);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        refused = error;
        break;
      }
      const metadata = eventMetadata(command, context);
      decided.push({ command, events: events.map((e, i) => ({ eventId: ids.id(i), type: e.type, data: e.data, metadata })) });
      state = events.reduce(evolve, state);
    }
    const plain = decided.flatMap((d) => d.events);
    const first = history.length === 0 ? 0n : history[history.length - 1].revision + 1n;
    const events = [...(await this.opened(history, keys)), ...plain.map((e, i) => ({ ...e, revision: first + BigInt(i) }))];
    const appended = decided.filter((d) => d.events.length > 0).map((d) => d.command);
    return { toAppend: await this.sealed(plain, history, planned, keys), outcome: { events, planned, appended, refused } };
  }

  private async opened(history: readonly RecordedEvent[], cipher = this.options.personalData): Promise<StreamEvent[]> {
    if (!cipher) return [...history];
    const open = cipher.opener();
    return Promise.all(history.map((e) => openPersonalFields(e, open)));
  }

  /** The data key is made before the append when missing: a key without events is harmless, an event without its key is not. */
  private async sealed(
    events: Required<EventData>[],
    history: readonly RecordedEvent[],
    planned: readonly PaymentCommand[],
    cipher = this.options.personalData,
  ): Promise<EventData[]> {
    if (!cipher || !events.some((e) => hasPersonalFields(e.data, e.metadata))) return events;
    const created: { customerId?: unknown } | undefined =
      (history[0]?.data as { customerId?: unknown } | undefined) ?? planned.find((c) => c.type === 'CreatePayment')?.data;
    const seal = await cipher.sealerFor(dataKeyOwner({ customerId: created?.customerId, paymentId: planned[0].data.paymentId }));
    return events.map((e) => ({ ...e, ...sealPersonalFields(e.data, e.metadata, seal) }));
  }
}

/** The request of one command with one context. */
export const single = (command: PaymentCommand, context: CommandContext): CommandRequest => ({
  paymentId: command.data.paymentId,
  plan: () => [command],
  contextOf: () => context,
});

const expectedAfter = (history: readonly RecordedEvent[]): ExpectedRevision =>
  history.length === 0 ? 'no_stream' : history[history.length - 1].revision;
