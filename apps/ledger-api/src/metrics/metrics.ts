import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
  private readonly rateLimited = new Counter({
    name: 'ledger_rate_limited_total',
    help: 'Requests refused by a rate limit, by class',
    labelNames: ['class'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  commandAppended(command: string): void {
    this.appended.inc({ command });
  }

  rateLimitHit(limitClass: string): void {
    this.rateLimited.inc({ class: limitClass });
  }
}
