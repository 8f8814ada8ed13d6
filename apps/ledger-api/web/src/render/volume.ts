import uPlot from 'uplot';
import { h, section, table } from '../dom';
import { amount, count, major, time } from '../format';
import type { VolumeBucket } from '../types';

export interface VolumeRange {
  granularity: 'hour' | 'day';
  /** yyyy-mm-dd (UTC) or empty. */
  from: string;
  to: string;
  currency: string;
}

/**
 * Volume over time for one currency at a time (currencies are never added
 * together, and one axis cannot hold JPY and KWD honestly), drawn with uPlot;
 * the same numbers sit in a table underneath for keyboards and screen readers.
 */
export class VolumePanel {
  readonly element: HTMLElement;
  private readonly chartBox = h('div', { class: 'chart', 'aria-hidden': 'true' });
  private readonly tableBox = h('div');
  private readonly currencySelect = h('select', { id: 'volume-currency' }) as HTMLSelectElement;
  private chart: uPlot | undefined;
  private buckets: VolumeBucket[] = [];

  constructor(
    readonly range: VolumeRange,
    private readonly onChange: () => void,
  ) {
    const granularity = h(
      'select',
      { id: 'volume-granularity' },
      h('option', { value: 'day' }, 'Day'),
      h('option', { value: 'hour' }, 'Hour'),
    ) as HTMLSelectElement;
    granularity.value = range.granularity;
    const from = h('input', { id: 'volume-from', type: 'date' }) as HTMLInputElement;
    const to = h('input', { id: 'volume-to', type: 'date' }) as HTMLInputElement;
    const changed = () => {
      Object.assign(this.range, { granularity: granularity.value, from: from.value, to: to.value, currency: this.currencySelect.value });
      this.onChange();
    };
    for (const input of [granularity, from, to, this.currencySelect]) input.addEventListener('change', changed);
    this.element = section(
      'volume',
      'Volume over time',
      h(
        'div',
        { class: 'controls' },
        h('label', { for: 'volume-granularity' }, 'Bucket'),
        granularity,
        h('label', { for: 'volume-from' }, 'From'),
        from,
        h('label', { for: 'volume-to' }, 'To'),
        to,
        h('label', { for: 'volume-currency' }, 'Currency'),
        this.currencySelect,
      ),
      this.chartBox,
      h('details', {}, h('summary', {}, 'Show as a table'), this.tableBox),
    );
    new ResizeObserver(() => this.chart?.setSize(this.size())).observe(this.chartBox);
  }

  /** The API's query for the current range; `to` is inclusive of its whole day. */
  query(): Record<string, string | undefined> {
    const day = (d: string, plus = 0) => (d ? new Date(Date.parse(`${d}T00:00:00Z`) + plus * 86_400_000).toISOString() : undefined);
    return { granularity: this.range.granularity, from: day(this.range.from), to: day(this.range.to, 1) };
  }

  update(buckets: VolumeBucket[]): void {
    this.buckets = buckets;
    const currencies = [...new Set(buckets.map((b) => b.currency))].sort();
    if (!currencies.includes(this.range.currency)) this.range.currency = currencies.includes('USD') ? 'USD' : (currencies[0] ?? '');
    this.currencySelect.replaceChildren(...currencies.map((c) => h('option', { value: c }, c)));
    this.currencySelect.value = this.range.currency;
    this.draw();
  }

  private draw(): void {
    const currency = this.range.currency;
    const rows = this.buckets.filter((b) => b.currency === currency);
    this.tableBox.replaceChildren(
      table(
        `Succeeded volume per ${this.range.granularity} (${currency || 'no data'})`,
        ['Bucket start', 'Payments', 'Volume'],
        rows.map((b) => [time(b.bucketStart), count(b.count), amount(b.volume, b.currency)]),
        'volume-table',
      ),
    );
    const data: uPlot.AlignedData = [rows.map((b) => Date.parse(b.bucketStart) / 1000), rows.map((b) => major(b.volume, currency))];
    const now = Date.now() / 1000;
    const [lo, hi] = [data[0][0] ?? now, data[0].at(-1) ?? now];
    this.chart?.destroy();
    this.chartBox.replaceChildren();
    this.chart = new uPlot(
      {
        ...this.size(),
        series: [
          {},
          {
            label: `Volume (${currency || '—'})`,
            stroke: '#2563eb',
            fill: 'rgba(37,99,235,0.12)',
            width: 2,
            points: { show: true, size: 6 },
            value: (_u, v) => (v === null ? '—' : `${v.toLocaleString('en-US')} ${currency}`),
          },
        ],
        axes: [{}, { size: 70 }],
        // One bucket alone would stretch over years: keep a bucket's width either side of it.
        scales: { x: { time: true, auto: false, range: (): uPlot.Range.MinMax => [lo - this.step(), hi + this.step()] } },
        legend: { show: true },
      },
      data,
      this.chartBox,
    );
  }

  private step(): number {
    return this.range.granularity === 'hour' ? 3_600 : 86_400;
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(260, this.chartBox.clientWidth || 600), height: 240 };
  }
}
