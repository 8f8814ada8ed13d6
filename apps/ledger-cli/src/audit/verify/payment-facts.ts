import type { PaymentEvent, PaymentStatus } from '@ledger/payments-domain';

/**
 * What verify keeps per payment: one flat object of scalars (times as epoch ms),
 * about 200 bytes plus its ids and texts, so 1M payments fit in a few hundred MB.
 * Events themselves are never kept.
 */
export class PaymentFacts {
  status: PaymentStatus = 'pending';
  /** The status the payment's own facts give it; `status` is needs_review while a mismatch holds it. */
  lifecycle: PaymentStatus = 'pending';
  /** Mismatches holding the payment now. */
  holds = 0;
  captured = 0;
  /** Whether any success was booked (captured_amount is null until then). */
  booked = false;
  /** The API's final failure (decided: it times the processing); a failed attempt is not. */
  finalFailedAt: number | null = null;
  /** Each failed attempt (and final failure): when, and its code. */
  readonly failures: { at: number; code: string }[] = [];
  refunded = 0;
  disputed = false;
  disputedOpen = 0;
  disputeLosses = 0;
  fraudFlags = 0;
  providerPaymentId: string | null = null;
  errorCode: string | null = null;
  errorMessage: string | null = null;
  processingTimeMs: number | null = null;
  processingAt: number | null = null;
  succeededAt: number | null = null;
  failedAt: number | null = null;
  updatedAt: number;
  revision = 0;

  constructor(
    readonly provider: string,
    readonly currency: string,
    readonly amount: number,
    readonly customerId: string | null,
    readonly description: string | null,
    readonly createdAt: number,
  ) {
    this.updatedAt = createdAt;
  }

  static create(event: PaymentEvent): PaymentFacts {
    if (event.type !== 'PaymentCreated') throw new Error('not a PaymentCreated event');
    const d = event.data;
    return new PaymentFacts(d.provider, d.currency, d.amount, d.customerId ?? null, d.description ?? null, Date.parse(d.createdAt));
  }

  /** CONTRACT.md's definitions, written again from the text rather than taken from the projector. */
  apply(event: PaymentEvent): void {
    switch (event.type) {
      case 'PaymentCreated':
        throw new Error('payment created twice');
      case 'PaymentProcessing':
        this.setStatus('processing');
        this.processingAt = this.updatedAt = Date.parse(event.data.startedAt);
        return;
      case 'PaymentSucceeded':
        this.setStatus('succeeded');
        this.captured = event.data.amount;
        this.booked = true;
        this.providerPaymentId = event.data.providerPaymentId ?? null;
        this.succeededAt = this.updatedAt = Date.parse(event.data.succeededAt);
        this.processingTimeMs = event.data.processingTimeMs ?? this.sinceProcessing(this.succeededAt);
        return;
      case 'PaymentFailed':
      case 'PaymentAttemptFailed':
        // CONTRACT: a failed attempt leaves the payment failed now, not for good; each is counted as an attempt.
        this.setStatus('failed');
        this.errorCode = event.data.errorCode;
        this.errorMessage = event.data.errorMessage ?? null;
        this.failedAt = this.updatedAt = Date.parse(event.data.failedAt);
        this.failures.push({ at: this.failedAt, code: event.data.errorCode });
        if (event.type === 'PaymentFailed') this.finalFailedAt = this.failedAt;
        this.processingTimeMs =
          (event.type === 'PaymentFailed' ? event.data.processingTimeMs : undefined) ?? this.sinceProcessing(this.failedAt);
        return;
      case 'PaymentProviderMismatch':
        // Nothing counted; one that holds the payment makes it needs_review.
        if (event.data.holds) {
          this.holds += 1;
          this.status = 'needs_review';
        }
        return;
      case 'PaymentMismatchReviewed':
        this.holds = event.data.stillOpen;
        this.status = this.holds > 0 ? 'needs_review' : this.lifecycle;
        this.updatedAt = Date.parse(event.data.reviewedAt);
        return;
      case 'PaymentRefunded':
        // `counted` is the part newly counted (absent on events stored before attribution: all of it).
        return this.refund(event.data.counted ?? event.data.amount, event.data.totalRefunded, event.data.refundedAt);
      case 'PaymentRefundReported':
        return this.refund(event.data.counted, event.data.totalRefunded, event.data.reportedAt);
      case 'PaymentRefundReversed':
        return this.refund(-event.data.counted, event.data.totalRefunded, event.data.reversedAt);
      case 'PaymentRefundMismatch':
      case 'PaymentDisputeLinked':
        // Moves nothing: the dispute it names is counted once, as opened.
        return;
      case 'PaymentDisputeClosed':
        this.disputedOpen -= event.data.amount;
        if (event.data.outcome === 'lost') this.disputeLosses += event.data.amount;
        this.updatedAt = Date.parse(event.data.closedAt);
        return;
      case 'PaymentFraudFlagged':
        this.fraudFlags += 1;
        this.updatedAt = Date.parse(event.data.flaggedAt);
        return;
      case 'PaymentDisputed':
        this.disputed = true;
        this.disputedOpen += event.data.amount;
        this.updatedAt = Date.parse(event.data.disputedAt);
        return;
      default: {
        const unknown: never = event;
        throw new Error(`unknown event type ${(unknown as { type: string }).type}`);
      }
    }
  }

  /** CONTRACT: refunded = each refund once; the events say what each moved, and the total after it must agree. */
  private refund(moved: number, statedTotal: number, at: string): void {
    this.refunded += moved;
    this.updatedAt = Date.parse(at);
    if (this.refunded !== statedTotal)
      throw new Error(`refund events moved ${this.refunded} in all, but this one states a total of ${statedTotal}`);
    if (this.refunded === 0) this.setStatus('succeeded');
    else this.setStatus(this.refunded >= this.captured ? 'refunded' : 'partially_refunded');
  }

  /** CONTRACT: processing time on the events' own times, from processing (else creation) to the decision, never negative. */
  private sinceProcessing(at: number): number {
    return Math.max(0, at - (this.processingAt ?? this.createdAt));
  }

  private setStatus(status: PaymentStatus): void {
    this.lifecycle = status;
    if (this.holds === 0) this.status = status;
  }
}
