import { Controller, HttpCode, Inject, Logger, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { ReportFormatError, isStripePayoutEvent, mapStripePayoutEvent, recordPayoutStatus } from '@ledger/reconciliation';
import { providerSignals, RiskTokens } from '@ledger/fraud';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Provider } from '@ledger/payments-domain';
import { containsPan, CustomerTokens, maskCardData } from '@ledger/security';
import {
  WebhookPayloadError,
  isObject,
  mapPaystackEvent,
  mapStripeEvent,
  paystackDeliveryId,
  stripeDeliveryId,
  WebhookStore,
  type Json,
  type ProviderDelivery,
  type WebhookAction,
} from '@ledger/provider-webhooks';
import { Public } from '../auth/require-scope.decorator';
import { ApiError } from '../http/api-error';
import { clientIp, contextOf } from '../http/request-context';
import { RateLimit } from '../rate-limit/rate-limit.guard';
import { WebhookProcessor, type WebhookResult } from './webhook-processor';
import { SIGNATURE_HEADERS, WebhookVerifier } from './webhook-verifier';

const PARSERS: Readonly<Record<Provider, (payload: Json, raw: Buffer) => ProviderDelivery>> = {
  stripe: (payload, raw) => ({ provider: 'stripe', deliveryId: stripeDeliveryId(payload, raw), intent: mapStripeEvent(payload) }),
  paystack: (payload, raw) => {
    const deliveryId = paystackDeliveryId(payload, raw);
    return { provider: 'paystack', deliveryId, intent: mapPaystackEvent(payload, deliveryId) };
  },
};

/** No API key: the provider's signature over the exact bytes received is the credential. */
@ApiExcludeController()
@Controller('v1/webhooks')
@Public()
@RateLimit('webhook')
export class WebhooksController {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly verifier: WebhookVerifier,
    private readonly processor: WebhookProcessor,
    private readonly store: WebhookStore,
    private readonly tokens: CustomerTokens,
    private readonly riskTokens: RiskTokens,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @Post('stripe')
  @HttpCode(200)
  stripe(@Req() req: RawBodyRequest<Request>): Promise<{ received: true; outcome: string }> {
    return this.receive('stripe', req);
  }

  @Post('paystack')
  @HttpCode(200)
  paystack(@Req() req: RawBodyRequest<Request>): Promise<{ received: true; outcome: string }> {
    return this.receive('paystack', req);
  }

  private async receive(provider: Provider, req: RawBodyRequest<Request>): Promise<{ received: true; outcome: string }> {
    const sourceIp = clientIp(req);
    if (!this.verifier.allows(provider, sourceIp)) {
      await this.store.recordDelivery({ provider, outcome: 'forbidden_ip', sourceIp });
      throw new ApiError(403, 'forbidden', 'This address may not deliver webhooks');
    }
    const raw = rawBodyOf(req);
    const check = this.verifier.verify(provider, raw, req.get(SIGNATURE_HEADERS[provider]));
    if (!check.ok) {
      await this.store.recordDelivery({ provider, outcome: 'invalid_signature', detail: check.reason, sourceIp });
      if (check.reason === 'not_configured') {
        this.logger.error(`${provider} webhook refused: no signing secret is configured`);
        throw new ApiError(503, 'webhook_not_configured', `No ${provider} webhook secret is configured`);
      }
      this.logger.warn(`${provider} webhook refused: ${check.reason} from ${sourceIp}`);
      throw new ApiError(401, 'invalid_signature', 'The webhook signature is missing, invalid or outside the time tolerance');
    }
    if (provider === 'stripe' && isStripePayoutEvent(req.body)) return this.payout(req.body as Json, raw, sourceIp);
    let delivery: ProviderDelivery;
    let originals: Map<string, string | null>;
    try {
      if (!isObject(req.body)) throw new WebhookPayloadError('(body)', 'must be a JSON object');
      // The payload is not ours to refuse: card data in it is masked, and only mapped fields are kept.
      delivery = PARSERS[provider](maskCardData(req.body), raw);
      originals = cardLikeOriginals(req.body);
    } catch (error) {
      if (!(error instanceof WebhookPayloadError)) throw error;
      await this.store.recordDelivery({ provider, outcome: 'invalid_payload', detail: error.message, sourceIp });
      throw new ApiError(400, 'invalid_payload', error.message);
    }
    delivery = await withCustomerTokens(delivery, this.tokens, originals, this.riskTokens);
    const result = await this.processor.process(delivery, { correlationId: contextOf(req).correlationId, sourceIp });
    await this.record(delivery, result, sourceIp);
    if (result.outcome === 'unmatched') {
      // Answered as an error so the provider retries: the event that creates the payment may still be on its way.
      throw new ApiError(404, 'payment_not_found', 'No payment matches this event yet');
    }
    return { received: true, outcome: result.outcome };
  }

  /** A Stripe payout's status (issue 32): appended on its payout stream, once per provider event id. */
  private async payout(payload: Json, raw: Buffer, sourceIp: string): Promise<{ received: true; outcome: string }> {
    const deliveryId = stripeDeliveryId(payload, raw);
    const eventType = String(payload.type);
    let data;
    try {
      data = mapStripePayoutEvent(payload);
    } catch (error) {
      if (!(error instanceof ReportFormatError)) throw error;
      await this.store.recordDelivery({ provider: 'stripe', outcome: 'invalid_payload', detail: error.message, sourceIp });
      throw new ApiError(400, 'invalid_payload', error.message);
    }
    await recordPayoutStatus(this.events, data, 'webhook:stripe');
    await this.store.recordDelivery({ provider: 'stripe', deliveryId, eventType, sourceIp, outcome: 'handled' });
    return { received: true, outcome: 'handled' };
  }

  private async record(delivery: ProviderDelivery, result: WebhookResult, sourceIp: string): Promise<void> {
    const { provider, deliveryId, intent } = delivery;
    await this.store.recordDelivery({ provider, deliveryId, eventType: intent.eventType, sourceIp, ...result });
  }
}

/**
 * The webhook door of the personal-data rules (issue 29, cases 1 and 2): a provider customer id that is not a plain
 * id of our set (mapping's `personalCustomerId`: an e-mail, a name, a phone number...) becomes its keyed token, the
 * same the API would make of it, and a provider reference holding an e-mail address or a card-like run becomes its
 * keyed reference token, before anything is planned or matched; the raw values go no further.
 */
async function withCustomerTokens(
  delivery: ProviderDelivery,
  tokens: CustomerTokens,
  originals: ReadonlyMap<string, string | null>,
  riskTokens: RiskTokens,
): Promise<ProviderDelivery> {
  const { intent } = delivery;
  if (intent.kind !== 'payment') return delivery;
  // A reference the masking changed is tokenised from what the provider sent: two masked alike would collide.
  const ref = (value: string) => tokens.providerReferenceOf(originals.get(value) ?? value);
  const optionalRef = async (value: string | undefined) => (value === undefined ? undefined : ref(value));
  let facts = intent.facts;
  if (facts) {
    const { personalCustomerId, riskSignals, ...rest } = facts;
    const customerId = personalCustomerId === undefined ? rest.customerId : await tokens.pseudonymOfProvided(personalCustomerId);
    facts = compactFacts({
      ...rest,
      customerId,
      // The provider's risk signals: the well-formed ones, with their keyed tokens (issue 30).
      risk: riskSignals ? await riskTokens.riskOf(providerSignals(riskSignals)) : undefined,
      providerPaymentId: await ref(rest.providerPaymentId),
      chargeId: await optionalRef(rest.chargeId),
    });
  }
  const references = await Promise.all(intent.references.map(ref));
  return { ...delivery, intent: { ...intent, references, facts, action: await actionWithTokens(intent.action, ref, optionalRef) } };
}

async function actionWithTokens(
  action: WebhookAction,
  ref: (value: string) => Promise<string>,
  optionalRef: (value: string | undefined) => Promise<string | undefined>,
): Promise<WebhookAction> {
  switch (action.type) {
    case 'fail':
      return action.attemptId === undefined ? action : { ...action, attemptId: await optionalRef(action.attemptId) };
    case 'refunds':
      return { ...action, refunds: await Promise.all(action.refunds.map(async (r) => ({ ...r, refundId: await ref(r.refundId) }))) };
    case 'dispute':
      return { ...action, disputeId: await ref(action.disputeId) };
    default:
      return action;
  }
}

/**
 * The payload's strings that hold a card-like run, by their masked form (null when two differ yet mask alike: that
 * reference stays masked rather than be given the wrong token). The body's depth was bounded before routing.
 */
function cardLikeOriginals(body: unknown): Map<string, string | null> {
  const originals = new Map<string, string | null>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!containsPan(value)) return;
      const masked = maskCardData(value);
      originals.set(masked, originals.has(masked) && originals.get(masked) !== value ? null : value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(body);
  return originals;
}

const compactFacts = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** Signatures are over the bytes as received; a re-serialised body would not verify (and must not). */
function rawBodyOf(req: RawBodyRequest<Request>): Buffer {
  if (req.rawBody) return req.rawBody;
  if (!req.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'Webhooks are accepted as application/json');
  }
  if (Number(req.get('content-length') ?? 0) === 0) return Buffer.alloc(0);
  throw new Error('raw body unavailable: the app must be created with rawBody: true');
}
