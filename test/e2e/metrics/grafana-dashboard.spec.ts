import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import type { Counter, Histogram, Registry } from 'prom-client';
import type { EventStore } from '@ledger/event-store';
import { ALERT_RULES } from '@ledger/monitoring';
import { PROVIDERS } from '@ledger/payments-domain';
import { PROJECTIONS } from '@ledger/projections';
import { WorkerMetrics } from '../../../apps/alert-worker/src/metrics/worker-metrics';
import { ApiMetrics } from '../../../apps/ledger-api/src/metrics/metrics';
import { RATE_LIMIT_CLASSES } from '../../../apps/ledger-api/src/rate-limit/rate-limiter';
import { ProjectorMetrics } from '../../../apps/projector/src/metrics/projector-metrics';
import { exposedSeriesNames, metricNamesIn } from './support/exposed-metrics';

const ROOT = join(__dirname, '..', '..', '..');
const dashboard = JSON.parse(readFileSync(join(ROOT, 'docker/grafana/dashboards/ledger.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};

describe('Grafana dashboard (docker/grafana/dashboards/ledger.json)', () => {
  const exposed = exposedSeriesNames();
  const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

  it('reads the expression parser right', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le) (rate(ledger_x_bucket{a="b"}[5m]))) / on(job) up')).toEqual([
      'ledger_x_bucket',
      'up',
    ]);
  });

  it('names in every query only metrics the apps expose', () => {
    expect(queries.length).toBeGreaterThanOrEqual(15);
    const unknown = queries.flatMap((q) =>
      metricNamesIn(q.expr)
        .filter((n) => !exposed.has(n))
        .map((n) => `${q.panel}: ${n}`),
    );
    expect(unknown).toEqual([]);
    expect(queries.filter((q) => metricNamesIn(q.expr).length === 0)).toEqual([]);
  });

  it('has the panels of the issue: traffic, rates by provider, volume per currency, processing percentiles, lag, alerts', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const needed of [
      'ledger_http_requests_total',
      'ledger_payment_decisions_total',
      'ledger_payment_volume_minor_total',
      'ledger_payment_processing_seconds_bucket',
      'ledger_projection_lag_events',
      'ledger_alerts_raised_total',
    ]) {
      expect(all).toContain(needed);
    }
    for (const q of [0.5, 0.95, 0.99]) expect(all).toContain(`histogram_quantile(${q},`);
  });

  /**
   * A counter without samples until its first event makes its panel say "No data" where the answer is 0. Every
   * counter (and histogram) a panel reads is exported at 0 from the start for each of its known labels; only
   * those filled from the read models at scrape time (volume per currency: the currencies in use; alerts raised)
   * are not: Prometheus e2e checks those against a database.
   */
  it('exports every counter a panel reads at 0 for its known labels, before anything happened', async () => {
    const registries: Registry[] = [
      new ApiMetrics().registry,
      new ProjectorMetrics({} as Pool, {} as EventStore, {}).registry,
      new WorkerMetrics({} as Pool).registry,
    ];
    const fromReadModels = new Set(['ledger_payment_volume_minor_total', 'ledger_alerts_raised_total']);
    const read = new Set(queries.flatMap((q) => metricNamesIn(q.expr)).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const samples = new Map<string, { labels: Partial<Record<string, string | number>>; value: number }[]>();
    for (const registry of registries) {
      for (const metric of registry.getMetricsAsArray() as unknown as (Counter | Histogram)[]) {
        const { name, type } = metric as unknown as { name: string; type: string };
        if (!read.has(name) || fromReadModels.has(name) || (type !== 'counter' && type !== 'histogram')) continue;
        samples.set(name, (await metric.get()).values);
      }
    }
    const labelSets = (name: string, ...keys: string[]) =>
      [...new Set((samples.get(name) ?? []).map((v) => keys.map((k) => v.labels[k]).join('|')))].sort();
    const product = (...sets: (readonly string[])[]) =>
      sets.reduce<string[]>((acc, set) => acc.flatMap((a) => set.map((b) => (a ? `${a}|${b}` : b))), ['']).sort();

    expect([...samples.keys()].sort()).toEqual([
      'ledger_alerts_delivered_total',
      'ledger_alerts_delivery_failed_total',
      'ledger_http_requests_total',
      'ledger_payment_decisions_total',
      'ledger_payment_processing_seconds',
      'ledger_projection_batches_total',
      'ledger_projection_events_applied_total',
      'ledger_rate_limited_total',
      'ledger_webhook_deliveries_total',
    ]);
    const outcomes = ['accepted', 'bad_signature', 'malformed', 'rate_limited', 'forbidden', 'error', 'refused'];
    expect(labelSets('ledger_webhook_deliveries_total', 'provider', 'outcome')).toEqual(product(PROVIDERS, outcomes));
    expect(labelSets('ledger_rate_limited_total', 'class')).toEqual([...RATE_LIMIT_CLASSES].sort());
    expect(labelSets('ledger_payment_decisions_total', 'provider', 'outcome')).toEqual(product(PROVIDERS, ['succeeded', 'failed']));
    expect(labelSets('ledger_payment_processing_seconds', 'provider', 'outcome')).toEqual(product(PROVIDERS, ['succeeded', 'failed']));
    expect(labelSets('ledger_projection_batches_total', 'projection')).toEqual(Object.keys(PROJECTIONS).sort());
    expect(labelSets('ledger_projection_events_applied_total', 'projection')).toEqual(Object.keys(PROJECTIONS).sort());
    for (const name of ['ledger_alerts_delivered_total', 'ledger_alerts_delivery_failed_total']) {
      expect(labelSets(name, 'rule')).toEqual([...ALERT_RULES].sort());
      expect(labelSets(name, 'severity')).toEqual(expect.arrayContaining(['info', 'warning', 'critical']));
    }
    // Requests are labelled by route and status, not a closed set known in advance: the 5xx panel adds 0 per route itself.
    expect(samples.get('ledger_http_requests_total')).toEqual([]);
    for (const [name, values] of samples) for (const v of values) expect({ name, ...v }).toEqual({ name, ...v, value: 0 });
  });

  it('the alerting rules name only exposed metrics too', () => {
    const rules = readFileSync(join(ROOT, 'docker/prometheus/alerts.yml'), 'utf8');
    const named = [...rules.matchAll(/\b(ledger_[a-z0-9_]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !exposed.has(n))).toEqual([]);
  });
});
