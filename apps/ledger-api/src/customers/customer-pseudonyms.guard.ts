import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { classifyCustomerId, CustomerTokens } from '@ledger/security';

/**
 * The API's door of the customer-id rule (issue 29, case 1) and of provider references (case 2): a `customerId` in a command's body that is itself
 * personal data (an e-mail address, a phone number, a name) is replaced by its keyed token before anything keys on
 * it: the rate limiter's bucket, the Idempotency-Key's request hash, the events, the data key's name, the
 * response. A guard, not a middleware, since it needs the key store from the container, and it runs before the
 * rate limiter (app.module's order). Anything else is left for the schema to accept or refuse.
 */
@Injectable()
export class CustomerPseudonymsGuard implements CanActivate {
  constructor(private readonly tokens: CustomerTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const body = req.body as { customerId?: unknown; providerPaymentId?: unknown } | undefined;
    if (req.method !== 'POST' || !body) return true;
    if (typeof body.customerId === 'string' && classifyCustomerId(body.customerId) === 'personal') {
      body.customerId = await this.tokens.pseudonymOf(body.customerId);
    }
    // A provider reference is free of our character sets: one holding an e-mail address is stored as its token (case 2).
    if (typeof body.providerPaymentId === 'string') body.providerPaymentId = await this.tokens.providerReferenceOf(body.providerPaymentId);
    return true;
  }
}
