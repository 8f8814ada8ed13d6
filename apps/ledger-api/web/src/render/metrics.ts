import { h, section, table } from '../dom';
import { amount, count, ms, percent } from '../format';
import type { Metrics } from '../types';

const COUNTS = ['total', 'succeeded', 'failed', 'failedAttempts', 'pending', 'processing', 'refunded', 'disputed', 'needsReview'] as const;
const COUNT_LABELS: Partial<Record<(typeof COUNTS)[number], string>> = {
  total: 'Created',
  failed: 'Failed now',
  failedAttempts: 'Failed attempts',
  needsReview: 'Needs review',
};
const VOLUME_COLUMNS = [
  ['total', 'Created'],
  ['succeeded', 'Succeeded'],
  ['refunded', 'Refunded'],
  ['disputed', 'Disputed now'],
  ['disputeLosses', 'Dispute losses'],
  ['net', 'Net'],
] as const;

function stat(label: string, value: string, testId: string, tone?: string): HTMLElement {
  return h('div', { class: `stat${tone ? ` ${tone}` : ''}` }, h('dt', {}, label), h('dd', { 'data-testid': testId }, value));
}

/** CONTRACT.md's metrics: counts, rates, processing time and fraud, then the volumes per currency (never summed across). */
export function renderMetrics(m: Metrics): HTMLElement {
  const volumeRows = m.volumes.map((v) => [
    h('span', { class: 'currency' }, v.currency),
    ...VOLUME_COLUMNS.map(([field]) => {
      const value = v[field];
      return value === undefined ? '—' : h('span', { 'data-testid': `volume-${v.currency}-${field}` }, amount(value, v.currency));
    }),
  ]);
  return section(
    'metrics',
    'Payments',
    h(
      'dl',
      { class: 'stats' },
      COUNTS.map((c) =>
        stat(
          COUNT_LABELS[c] ?? c[0].toUpperCase() + c.slice(1),
          count(m.counts[c] ?? 0),
          `count-${c}`,
          c === 'needsReview' && (m.counts[c] ?? 0) > 0 ? 'bad' : undefined,
        ),
      ),
      stat('Success rate', percent(m.rates.success), 'rate-success', 'good'),
      stat('Failure rate', percent(m.rates.failure), 'rate-failure', m.rates.failure > 0 ? 'bad' : undefined),
      stat('Refund rate', percent(m.rates.refund), 'rate-refund'),
      stat('Avg processing', ms(m.averageProcessingTimeMs), 'avg-processing'),
      stat('Fraud flags', count(m.fraud.attempts), 'fraud-attempts', m.fraud.attempts > 0 ? 'bad' : undefined),
      stat('Suspicious amounts', count(m.fraud.suspicious), 'fraud-suspicious'),
    ),
    h('h3', {}, 'Volume per currency'),
    table(
      'Volume per currency',
      ['Currency', ...VOLUME_COLUMNS.map(([, label]) => label)],
      volumeRows,
      'volumes',
      VOLUME_COLUMNS.map((_, i) => i + 1),
    ),
  );
}
