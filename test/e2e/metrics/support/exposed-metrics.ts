import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import type { Registry } from 'prom-client';
import { WorkerMetrics } from '../../../../apps/alert-worker/src/metrics/worker-metrics';
import { ApiMetrics } from '../../../../apps/ledger-api/src/metrics/metrics';
import { ProjectorMetrics } from '../../../../apps/projector/src/metrics/projector-metrics';

const SERIES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

/** Every series name the three apps expose (registries built without a database: nothing is collected). */
export function exposedSeriesNames(): Set<string> {
  const unused = {} as Pool;
  const registries: Registry[] = [
    new ApiMetrics().registry,
    new ProjectorMetrics(unused, {} as EventStore, {}).registry,
    new WorkerMetrics(unused).registry,
  ];
  const names = new Set<string>(['up']); // Prometheus's own, per target
  for (const registry of registries) {
    for (const metric of registry.getMetricsAsArray()) {
      const { name, type } = metric as unknown as { name: string; type: string };
      for (const suffix of SERIES[type] ?? ['']) names.add(`${name}${suffix}`);
    }
  }
  return names;
}

const FUNCTIONS_AND_KEYWORDS = new Set([
  'by',
  'without',
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);

/** The metric names a PromQL expression reads: identifiers left once label matchers, groupings, ranges and calls are removed. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/"[^"]*"/g, ' ');
  const names = [...stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter((m) => !m[2] && !FUNCTIONS_AND_KEYWORDS.has(m[1]) && !/^\d/.test(m[1]))
    .map((m) => m[1]);
  return [...new Set(names)];
}
