import { Counter, Histogram, Registry } from 'prom-client';
import { PROVIDERS } from '@ledger/payments-domain';
import { collectProcessMetrics } from '@ledger/platform';
import { RATE_LIMIT_CLASSES } from '../rate-limit/rate-limiter';
import { clusterMetricsText, joinClusterMetrics } from './cluster-metrics';

const WEBHOOK_ROUTE = /^\/v1\/webhooks\/(stripe|paystack)$/;
const WEBHOOK_OUTCOMES = ['accepted', 'bad_signature', 'malformed', 'rate_limited', 'forbidden', 'error', 'refused'] as const;

/** CONTRACT.md's webhook answers, as a closed set. */
function webhookOutcome(status: number): string {
  if (status >= 200 && status < 300) return 'accepted';
  return (
    ({ 400: 'malformed', 401: 'bad_signature', 403: 'forbidden', 429: 'rate_limited' } as Record<number, string>)[status] ??
    (status >= 500 ? 'error' : 'refused')
  );
}

/** A registry per app instance, so several apps in one process (tests) never share counters. */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'ledger_http_requests_total',
    help: 'HTTP requests by route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly appended = new Counter({
    name: 'ledger_commands_appended_total',
    help: 'Payment commands whose events were appended, by command',
    labelNames: ['command'],
    registers: [this.registry],
  });
  private readonly webhooks = new Counter({
    name: 'ledger_webhook_deliveries_total',
    help: 'Provider webhook deliveries received, by provider and outcome',
    labelNames: ['provider', 'outcome'],
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'ledger_rate_limited_total',
    help: 'Requests refused by a rate limit, by class',
    labelNames: ['class'],
    registers: [this.registry],
  });

  private clustered = false;

  constructor() {
    collectProcessMetrics(this.registry);
    // Every series a board reads exists at 0 for its known (closed) labels from the start: "0", not "No data".
    for (const provider of PROVIDERS) for (const outcome of WEBHOOK_OUTCOMES) this.webhooks.inc({ provider, outcome }, 0);
    for (const limitClass of RATE_LIMIT_CLASSES) this.rateLimited.inc({ class: limitClass }, 0);
  }

  /** API_WORKERS > 1, in a worker: /metrics then answers for every worker, not only the one the scrape hit. */
  joinCluster(): void {
    joinClusterMetrics(this.registry);
    this.clustered = true;
  }

  text(): Promise<string> {
    return this.clustered ? clusterMetricsText() : this.registry.metrics();
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
    const webhook = WEBHOOK_ROUTE.exec(route);
    if (webhook) this.webhooks.inc({ provider: webhook[1], outcome: webhookOutcome(status) });
  }

  commandAppended(command: string): void {
    this.appended.inc({ command });
  }

  rateLimitHit(limitClass: string): void {
    this.rateLimited.inc({ class: limitClass });
  }
}
