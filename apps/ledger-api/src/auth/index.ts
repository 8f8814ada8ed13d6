/** What other HTTP modules (dashboard, alerts, webhooks) reuse: the global guard reads these decorators. */
export { ApiKeyGuard } from './api-key.guard';
export { Public, RequireScope, PUBLIC_ROUTE, REQUIRED_SCOPE } from './require-scope.decorator';
