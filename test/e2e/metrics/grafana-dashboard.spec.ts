import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('the alerting rules name only exposed metrics too', () => {
    const rules = readFileSync(join(ROOT, 'docker/prometheus/alerts.yml'), 'utf8');
    const named = [...rules.matchAll(/\b(ledger_[a-z0-9_]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !exposed.has(n))).toEqual([]);
  });
});
