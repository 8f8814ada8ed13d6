import {
  evolve,
  initialState,
  paymentStatus,
  toPaymentEvents,
  type CardReference,
  type DisputeOutcome,
  type PaymentState,
  type PaymentStatus,
  type Provider,
} from '@ledger/payments-domain';

/** The payment shape of CONTRACT.md (`GET /v1/payments/:id`, the 201 of create). */
export interface PaymentView {
  paymentId: string;
  provider: Provider;
  status: PaymentStatus;
  amount: number;
  currency: string;
  refundedAmount: number;
  customerId?: string;
  description?: string;
  card?: CardReference;
  providerPaymentId?: string;
  errorCode?: string;
  fraudFlagged: boolean;
  disputed: boolean;
  /** Every dispute and where it stands; absent when there has been none. */
  disputes?: DisputeView[];
  processingTimeMs?: number;
  createdAt: string;
  updatedAt: string;
  revision: number;
}

interface DisputeView {
  disputeId: string;
  providerDisputeId?: string;
  amount: number;
  status: 'open' | DisputeOutcome;
}

export interface StoredPaymentEvent {
  readonly type: string;
  readonly data: unknown;
  readonly revision: bigint;
  readonly metadata?: { schemaVersion?: unknown; occurredAt?: unknown };
  readonly recordedAt?: Date;
}

type Draft = Omit<PaymentView, 'status' | 'refundedAmount' | 'fraudFlagged' | 'disputed'> & { state: PaymentState };

/** A richer fold than the domain's slim state: the domain decides on `state`, the view adds what clients read. */
export function foldPaymentView(events: readonly StoredPaymentEvent[]): PaymentView | undefined {
  let draft: Draft | undefined;
  const upcast = toPaymentEvents(events);
  for (const [i, stored] of events.entries()) {
    const event = upcast[i];
    const at = occurredAt(stored);
    if (event.type === 'PaymentCreated') {
      const { paymentId, provider, amount, currency, customerId, description, card, createdAt } = event.data;
      draft = {
        paymentId,
        provider,
        amount,
        currency,
        customerId,
        description,
        card,
        createdAt,
        updatedAt: createdAt,
        revision: 0,
        state: initialState(),
      };
    }
    if (!draft) continue;
    draft.state = evolve(draft.state, event);
    draft.revision = Number(stored.revision);
    if (at) draft.updatedAt = at;
    if (event.type === 'PaymentSucceeded') {
      draft.providerPaymentId = event.data.providerPaymentId;
      draft.processingTimeMs = event.data.processingTimeMs;
    }
    if (event.type === 'PaymentFailed' || event.type === 'PaymentAttemptFailed') {
      draft.errorCode = event.data.errorCode;
      if (event.type === 'PaymentFailed') draft.processingTimeMs = event.data.processingTimeMs;
    }
  }
  if (!draft) return undefined;
  const { state, ...view } = draft;
  const result: PaymentView = {
    ...view,
    status: paymentStatus(state) ?? 'pending',
    refundedAmount: state.refunded,
    fraudFlagged: state.fraudFlags > 0,
    disputed: state.disputed,
    disputes: disputesOf(state),
  };
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as unknown as PaymentView;
}

function occurredAt(event: StoredPaymentEvent): string | undefined {
  const at = event.metadata?.occurredAt;
  if (typeof at === 'string') return at;
  return event.recordedAt?.toISOString();
}

function disputesOf(state: PaymentState): DisputeView[] | undefined {
  const entries = Object.entries(state.disputes);
  if (entries.length === 0) return undefined;
  return entries.map(([disputeId, d]) => {
    const view: DisputeView = { disputeId, amount: d.amount, status: d.open ? 'open' : (d.outcome ?? 'lost') };
    if (d.providerDisputeId) view.providerDisputeId = d.providerDisputeId;
    return view;
  });
}
