import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@ledger/platform';
import { WebhookStore } from '@ledger/provider-webhooks';
import { WebhookProcessor } from './webhook-processor';
import { WebhookVerifier } from './webhook-verifier';
import { WebhooksController } from './webhooks.controller';

/**
 * POST /v1/webhooks/stripe and /v1/webhooks/paystack. Relies on what ApiModule
 * provides globally: the platform (config, pool, event store), the payment
 * command runner, and the API key and rate-limit guards.
 */
@Module({
  controllers: [WebhooksController],
  providers: [
    { provide: WebhookStore, useFactory: (pool: Pool) => new WebhookStore(pool), inject: [PG_POOL] },
    WebhookVerifier,
    WebhookProcessor,
  ],
})
export class WebhooksModule {}
