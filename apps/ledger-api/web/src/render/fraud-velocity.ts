import { h, section, table } from '../dom';
import { count, time } from '../format';

/** GET /v1/dashboard/fraud-velocity: the fraud-velocity manager's flags per rule and hour. */
export interface FraudVelocity {
  granularity: 'hour' | 'day';
  from: string;
  to: string;
  buckets: { bucketStart: string; rule: string; flags: number; trips: number }[];
}

/**
 * Flags by rule over time (the last 24 hours): one bar per rule for its total, then each hour that flagged,
 * newest first. Numbers in text, bars as CSS widths, as the status breakdown draws them.
 */
export function renderFraudVelocity(data: FraudVelocity): HTMLElement {
  const totals = new Map<string, { flags: number; trips: number }>();
  for (const b of data.buckets) {
    const t = totals.get(b.rule) ?? { flags: 0, trips: 0 };
    totals.set(b.rule, { flags: t.flags + b.flags, trips: t.trips + b.trips });
  }
  const max = Math.max(1, ...[...totals.values()].map((t) => t.flags));
  const rules = [...totals.entries()].sort((a, b) => b[1].flags - a[1].flags);
  return section(
    'fraud-velocity',
    'Fraud velocity flags by rule',
    rules.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'fraud-velocity-none' }, 'No velocity flags in the last 24 hours.')
      : h(
          'ul',
          { class: 'bars' },
          rules.map(([rule, t]) =>
            h(
              'li',
              {},
              h('span', { class: 'bar-label' }, rule.replace(/_/g, ' ')),
              h('span', { class: 'bar bar-failed', style: `width:${(t.flags / max) * 100}%` }),
              h('span', { class: 'bar-value', 'data-testid': `fraud-rule-${rule}` }, `${count(t.flags)} (${count(t.trips)} trips)`),
            ),
          ),
        ),
    table(
      'Velocity flags per hour and rule, newest first',
      ['Hour', 'Rule', 'Flags'],
      [...data.buckets].reverse().map((b) => [time(b.bucketStart), h('code', {}, b.rule), count(b.flags)]),
      'fraud-velocity',
      [2],
    ),
  );
}
