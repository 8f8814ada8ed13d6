import { h, section, table } from '../dom';
import { count, percent, time } from '../format';
import { PROVIDERS, type ActivityMinute } from '../types';
import { bucketTimes, chartBox, TimeChart } from './chart';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Per minute, always (the API serves minutes of the last 24 hours). */
const ACTIVITY_RANGES = {
  hour: { label: 'Last hour', spanMs: HOUR },
  six: { label: 'Last 6 hours', spanMs: 6 * HOUR },
  day: { label: 'Last 24 hours', spanMs: 24 * HOUR },
} as const;
export type ActivityRange = keyof typeof ACTIVITY_RANGES;

const PROVIDER_COLOURS: Record<string, string> = { stripe: '#6d28d9', paystack: '#0e7490' };

/**
 * Three time series per minute, for on-call at a glance: payments decided (succeeded, and failed attempts),
 * the success rate (succeeded ÷ decided; a gap where nothing was decided), and failed attempts by provider.
 * From GET /v1/dashboard/activity (the health read model's minutes, the ones the health verdicts and the alerts
 * count). The axis is the range asked for and slides with the clock; the numbers are in a table underneath.
 */
export class ActivityPanel {
  readonly element: HTMLElement;
  private readonly charts: { payments: TimeChart; rate: TimeChart; failures: TimeChart };
  private readonly tableBox = h('div');
  private minutes: ActivityMinute[] = [];
  private drawnMinute = -1;

  constructor(
    private range: ActivityRange,
    private readonly onChange: () => void,
  ) {
    const select = h(
      'select',
      { id: 'activity-range' },
      Object.entries(ACTIVITY_RANGES).map(([value, r]) => h('option', { value }, r.label)),
    ) as HTMLSelectElement;
    select.value = range;
    select.addEventListener('change', () => {
      this.range = select.value as ActivityRange;
      this.onChange();
    });
    const figure = (title: string, id: string, chart: HTMLElement) =>
      h('figure', { class: 'series', 'aria-labelledby': `${id}-title` }, h('figcaption', { id: `${id}-title` }, title), chart);
    const boxes = { payments: chartBox('chart-payments'), rate: chartBox('chart-success-rate'), failures: chartBox('chart-failures') };
    this.charts = {
      payments: new TimeChart(boxes.payments, 180),
      rate: new TimeChart(boxes.rate, 180),
      failures: new TimeChart(boxes.failures, 180),
    };
    this.element = section(
      'activity',
      'Payments per minute',
      h('div', { class: 'controls' }, h('label', { for: 'activity-range' }, 'Range'), select),
      h(
        'div',
        { class: 'series-grid' },
        figure('Payments decided per minute', 'series-payments', boxes.payments),
        figure('Success rate per minute', 'series-rate', boxes.rate),
        figure('Failed attempts per minute, by provider', 'series-failures', boxes.failures),
      ),
      h('details', {}, h('summary', {}, 'Show as a table'), this.tableBox),
    );
  }

  query(now = Date.now()): Record<string, string | undefined> {
    return { from: new Date(Math.floor((now - ACTIVITY_RANGES[this.range].spanMs) / MINUTE) * MINUTE).toISOString() };
  }

  update(minutes: ActivityMinute[]): void {
    this.minutes = minutes;
    this.draw(Date.now());
  }

  tick(now = Date.now()): void {
    if (Math.floor(now / MINUTE) !== this.drawnMinute) this.draw(now);
    else for (const chart of Object.values(this.charts)) chart.slide(this.axis(now));
  }

  private axis(now: number): [number, number] {
    return [(now - ACTIVITY_RANGES[this.range].spanMs) / 1000, now / 1000];
  }

  private draw(now: number): void {
    this.drawnMinute = Math.floor(now / MINUTE);
    const [lo, hi] = this.axis(now);
    const x = bucketTimes(lo * 1000, hi * 1000, MINUTE);
    const at = new Map<number, { succeeded: number; failed: number; byProvider: Record<string, number> }>();
    for (const m of this.minutes) {
      const t = Date.parse(m.minuteStart) / 1000;
      const cell = at.get(t) ?? { succeeded: 0, failed: 0, byProvider: {} };
      cell.succeeded += m.succeeded;
      cell.failed += m.failed;
      cell.byProvider[m.provider] = (cell.byProvider[m.provider] ?? 0) + m.failed;
      at.set(t, cell);
    }
    const providers = [...new Set([...PROVIDERS, ...this.minutes.map((m) => m.provider)])];
    const rate = (c: { succeeded: number; failed: number } | undefined) =>
      c && c.succeeded + c.failed > 0 ? Math.round((10_000 * c.succeeded) / (c.succeeded + c.failed)) / 100 : null;
    const n = (v: number) => count(Math.round(v));
    this.charts.payments.draw(
      x,
      [
        { label: 'Succeeded', stroke: '#15803d', fill: 'rgba(21,128,61,0.12)', value: n },
        { label: 'Failed attempts', stroke: '#b91c1c', value: n },
      ],
      [x.map((t) => at.get(t)?.succeeded ?? 0), x.map((t) => at.get(t)?.failed ?? 0)],
      [lo, hi],
    );
    this.charts.rate.draw(
      x,
      [{ label: 'Success rate', stroke: '#1d4ed8', value: (v) => percent(v) }],
      [x.map((t) => rate(at.get(t)))],
      [lo, hi],
      [0, 100],
    );
    this.charts.failures.draw(
      x,
      providers.map((p) => ({ label: p, stroke: PROVIDER_COLOURS[p] ?? '#92400e', value: n })),
      providers.map((p) => x.map((t) => at.get(t)?.byProvider[p] ?? 0)),
      [lo, hi],
    );
    for (const chart of Object.values(this.charts)) chart.box.dataset.points = String(x.length);
    const decided = [...at.entries()].filter(([t]) => t >= lo - 60 && t <= hi).sort(([a], [b]) => a - b);
    this.tableBox.replaceChildren(
      table(
        `Payments per minute, ${ACTIVITY_RANGES[this.range].label.toLowerCase()} (minutes with a decision)`,
        ['Minute', 'Succeeded', 'Failed attempts', 'Success rate', ...providers.map((p) => `${p} failed`)],
        decided.map(([t, c]) => [
          time(new Date(t * 1000).toISOString()),
          count(c.succeeded),
          count(c.failed),
          percent(rate(c) ?? 0),
          ...providers.map((p) => count(c.byProvider[p] ?? 0)),
        ]),
        'activity-table',
        [1, 2, 3, ...providers.map((_, i) => 4 + i)],
      ),
    );
  }
}
