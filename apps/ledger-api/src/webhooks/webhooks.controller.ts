import { Controller, HttpCode, Logger, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Provider } from '@ledger/payments-domain';
import { CustomerTokens, maskCardData } from '@ledger/security';
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
    let delivery: ProviderDelivery;
    try {
      if (!isObject(req.body)) throw new WebhookPayloadError('(body)', 'must be a JSON object');
      // The payload is not ours to refuse: card data in it is masked, and only mapped fields are kept.
      delivery = PARSERS[provider](maskCardData(req.body), raw);
    } catch (error) {
      if (!(error instanceof WebhookPayloadError)) throw error;
      await this.store.recordDelivery({ provider, outcome: 'invalid_payload', detail: error.message, sourceIp });
      throw new ApiError(400, 'invalid_payload', error.message);
    }
    delivery = await withCustomerTokens(delivery, this.tokens);
    const result = await this.processor.process(delivery, { correlationId: contextOf(req).correlationId, sourceIp });
    await this.record(delivery, result, sourceIp);
    if (result.outcome === 'unmatched') {
      // Answered as an error so the provider retries: the event that creates the payment may still be on its way.
      throw new ApiError(404, 'payment_not_found', 'No payment matches this event yet');
    }
    return { received: true, outcome: result.outcome };
  }

  private async record(delivery: ProviderDelivery, result: WebhookResult, sourceIp: string): Promise<void> {
    const { provider, deliveryId, intent } = delivery;
    await this.store.recordDelivery({ provider, deliveryId, eventType: intent.eventType, sourceIp, ...result });
  }
}

/**
 * The webhook door of the customer-id rule (issue 29, case 1): a provider customer id that is not a plain id of
 * our set (mapping's `personalCustomerId`: an e-mail, a name, a phone number...) becomes its keyed token, the same
 * the API would make of it, before anything is planned; the raw value goes no further.
 */
async function withCustomerTokens(delivery: ProviderDelivery, tokens: CustomerTokens): Promise<ProviderDelivery> {
  const { intent } = delivery;
  if (intent.kind !== 'payment' || intent.facts?.personalCustomerId === undefined) return delivery;
  const { personalCustomerId, ...facts } = intent.facts;
  const customerId = await tokens.pseudonymOfProvided(personalCustomerId);
  return { ...delivery, intent: { ...intent, facts: { ...facts, customerId } } };
}

/** Signatures are over the bytes as received; a re-serialised body would not verify (and must not). */
function rawBodyOf(req: RawBodyRequest<Request>): Buffer {
  if (req.rawBody) return req.rawBody;
  if (!req.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'Webhooks are accepted as application/json');
  }
  if (Number(req.get('content-length') ?? 0) === 0) return Buffer.alloc(0);
  throw new Error('raw body unavailable: the app must be created with rawBody: true');
}
