export * from './rate-limiter';
export { RateLimit, RateLimitGuard, rateLimitSubject } from './rate-limit.guard';
