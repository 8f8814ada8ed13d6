import type { Pool } from 'pg';
import { Counter, Gauge, Registry } from 'prom-client';
import { ALERT_RULE_SEVERITIES, raisedAlertCounts, unrelayedAlertCount, type AlertDelivery, type AlertJobRun } from '@ledger/monitoring';
import { collectProcessMetrics } from '@ledger/platform';

/**
 * The alert-worker's metrics. Deliveries are counted as they happen; alerts
 * raised and the outbox depth are read from the outbox table at scrape time
 * (the projector writes it, so a restarted worker still reports them right).
 * Labels: rule and severity only, both closed sets.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly delivered = this.counter('ledger_alerts_delivered_total', 'Alerts delivered to every sink, by rule and severity');
  private readonly failed = this.counter(
    'ledger_alerts_delivery_failed_total',
    'Alert delivery attempts that failed (retried with backoff), by rule and severity',
  );

  constructor(pool: Pool) {
    collectProcessMetrics(this.registry);
    const raised: Counter = new Counter({
      name: 'ledger_alerts_raised_total',
      help: 'Alerts raised by the projector (outbox rows of kind raised), by rule and severity',
      labelNames: ['rule', 'severity'],
      registers: [this.registry],
      async collect() {
        const counts = await raisedAlertCounts(pool);
        raised.reset();
        zero(raised);
        for (const c of counts) raised.inc({ rule: c.rule, severity: c.severity }, c.count);
      },
    });
    zero(this.delivered);
    zero(this.failed);
    const depth: Gauge = new Gauge({
      name: 'ledger_alert_outbox_depth',
      help: 'Alerts written by the projector and not yet relayed to the queue',
      registers: [this.registry],
      async collect() {
        depth.set(await unrelayedAlertCount(pool));
      },
    });
  }

  /** The same delivery, counted: a throw is a failed attempt (BullMQ retries it), then rethrown. */
  instrument(delivery: AlertDelivery): AlertDelivery {
    const deliver = delivery.deliver.bind(delivery);
    return Object.assign(Object.create(delivery) as AlertDelivery, {
      deliver: async (job: AlertJobRun) => {
        const labels = { rule: job.data.rule, severity: job.data.severity };
        try {
          await deliver(job);
          this.delivered.inc(labels);
        } catch (error) {
          this.failed.inc(labels);
          throw error;
        }
      },
    });
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name, help, labelNames: ['rule', 'severity'], registers: [this.registry] });
  }
}

/** Every (rule, severity) an alert can carry, at 0: a board reads 0 for what never happened, not "No data". */
function zero(counter: Counter): void {
  for (const [rule, severities] of Object.entries(ALERT_RULE_SEVERITIES))
    for (const severity of severities) counter.inc({ rule, severity }, 0);
}
