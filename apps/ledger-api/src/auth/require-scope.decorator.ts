import { SetMetadata } from '@nestjs/common';
import type { Scope } from '@ledger/security';

export const REQUIRED_SCOPE = 'ledger:required-scope';
export const PUBLIC_ROUTE = 'ledger:public-route';

/** The scope a route needs (`admin` always passes). A route with neither this nor @Public() needs `admin`. */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPE, scope);

/** No API key: liveness, metrics, and webhooks whose credential is the provider signature. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
