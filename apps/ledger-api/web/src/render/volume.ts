import { h, section, table } from '../dom';
import { amount, clock, count, major, time } from '../format';
import type { VolumeBucket } from '../types';
import { bucketTimes, chartBox, TimeChart } from './chart';

export type Granularity = 'minute' | 'hour' | 'day';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const STEP: Record<Granularity, number> = { minute: MINUTE, hour: HOUR, day: DAY };

/**
 * The ranges the panel offers and the bucket that fits each: a point per minute for the last hour (the API
 * serves minutes of the last 24 hours), per hour for a day or a week, per day beyond. Relative ranges slide
 * with the clock; `custom` is whole UTC days picked by date.
 */
const RANGES = {
  hour: { label: 'Last hour', spanMs: HOUR, granularity: 'minute' },
  day: { label: 'Last 24 hours', spanMs: DAY, granularity: 'hour' },
  week: { label: 'Last 7 days', spanMs: 7 * DAY, granularity: 'hour' },
  month: { label: 'Last 30 days', spanMs: 30 * DAY, granularity: 'day' },
  all: { label: 'All time', spanMs: null, granularity: 'day' },
  custom: { label: 'Dates…', spanMs: null, granularity: null },
} as const;
type RangeName = keyof typeof RANGES;

export interface VolumeRange {
  range: RangeName;
  /** yyyy-mm-dd (UTC), for `custom`. */
  from: string;
  to: string;
  currency: string;
}

/** The bucket for a custom range of whole days: hours up to two days, days beyond. */
function customGranularity(fromMs: number, toMs: number): Granularity {
  return toMs - fromMs <= 2 * DAY ? 'hour' : 'day';
}

/**
 * Volume over time for one currency at a time (currencies are never added together, and one axis cannot hold
 * JPY and KWD honestly). The range picks the bucket; the axis spans the whole range (an hour of traffic is an
 * hour on it) and, for the relative ranges, moves with the clock between reads. Empty buckets are drawn as 0.
 * The same numbers sit in a table underneath for keyboards and screen readers.
 */
export class VolumePanel {
  readonly element: HTMLElement;
  private readonly chart: TimeChart;
  private readonly tableBox = h('div');
  private readonly bucketNote = h('p', { class: 'muted', id: 'volume-bucket', 'data-testid': 'volume-bucket' });
  private readonly currencySelect = h('select', { id: 'volume-currency' }) as HTMLSelectElement;
  private readonly dates: HTMLElement;
  private buckets: VolumeBucket[] = [];
  /** The window the shown buckets were asked for. */
  private asked: { granularity: Granularity; from: number | null; to: number | null } | undefined;
  private drawnStep = -1;

  constructor(
    readonly range: VolumeRange,
    private readonly onChange: () => void,
  ) {
    const rangeSelect = h(
      'select',
      { id: 'volume-range' },
      Object.entries(RANGES).map(([value, r]) => h('option', { value }, r.label)),
    ) as HTMLSelectElement;
    rangeSelect.value = range.range;
    const from = h('input', { id: 'volume-from', type: 'date' }) as HTMLInputElement;
    const to = h('input', { id: 'volume-to', type: 'date' }) as HTMLInputElement;
    this.dates = h(
      'span',
      { class: 'dates' },
      h('label', { for: 'volume-from' }, 'From'),
      from,
      h('label', { for: 'volume-to' }, 'To'),
      to,
    );
    this.dates.hidden = range.range !== 'custom';
    const changed = () => {
      Object.assign(this.range, {
        range: rangeSelect.value as RangeName,
        from: from.value,
        to: to.value,
        currency: this.currencySelect.value,
      });
      this.dates.hidden = this.range.range !== 'custom';
      this.onChange();
    };
    for (const input of [rangeSelect, from, to, this.currencySelect]) input.addEventListener('change', changed);
    const box = chartBox('volume-chart');
    this.chart = new TimeChart(box, 240);
    this.element = section(
      'volume',
      'Volume over time',
      h(
        'div',
        { class: 'controls' },
        h('label', { for: 'volume-range' }, 'Range'),
        rangeSelect,
        this.dates,
        h('label', { for: 'volume-currency' }, 'Currency'),
        this.currencySelect,
      ),
      this.bucketNote,
      box,
      h('details', {}, h('summary', {}, 'Show as a table'), this.tableBox),
    );
  }

  /** What to ask GET /v1/dashboard/volume for, now: the bucket that fits the range, and its window. */
  query(now = Date.now()): Record<string, string | undefined> {
    const window = this.window(now);
    this.asked = window;
    const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
    // Relative ranges ask from the start of the first bucket, and leave `to` open: the live edge keeps coming.
    const relative = RANGES[this.range.range].spanMs !== null;
    return { granularity: window.granularity, from: iso(window.from), to: relative ? undefined : iso(window.to) };
  }

  update(buckets: VolumeBucket[]): void {
    this.buckets = buckets;
    const currencies = [...new Set(buckets.map((b) => b.currency))].sort();
    if (!currencies.includes(this.range.currency)) this.range.currency = currencies.includes('USD') ? 'USD' : (currencies[0] ?? '');
    const options = currencies.length ? currencies : [''];
    if (JSON.stringify([...this.currencySelect.options].map((o) => o.value)) !== JSON.stringify(options))
      this.currencySelect.replaceChildren(...options.map((c) => h('option', { value: c }, c || '—')));
    this.currencySelect.value = this.range.currency;
    this.draw(Date.now());
  }

  /** The clock moved: slide a relative range's axis, and redraw when a new bucket has begun (its 0 shows). */
  tick(now = Date.now()): void {
    if (!this.asked || RANGES[this.range.range].spanMs === null) return;
    const step = STEP[this.asked.granularity];
    if (Math.floor(now / step) !== this.drawnStep) this.draw(now);
    else this.chart.slide(this.axis(now));
  }

  private window(now: number): { granularity: Granularity; from: number | null; to: number | null } {
    const r = RANGES[this.range.range];
    if (r.spanMs !== null) {
      const step = STEP[r.granularity];
      return { granularity: r.granularity, from: Math.floor((now - r.spanMs) / step) * step, to: now };
    }
    if (this.range.range === 'all') return { granularity: 'day', from: null, to: null };
    const day = (d: string, plus = 0) => (d ? Date.parse(`${d}T00:00:00Z`) + plus * DAY : null);
    const from = day(this.range.from);
    const to = day(this.range.to, 1);
    return { granularity: from !== null && to !== null ? customGranularity(from, to) : 'day', from, to };
  }

  /** The x axis in seconds: the asked window (sliding to `now` for a relative range), else the data's extent. */
  private axis(now: number): [number, number] {
    const asked = this.asked ?? this.window(now);
    const step = STEP[asked.granularity];
    const r = RANGES[this.range.range];
    const starts = this.buckets.map((b) => Date.parse(b.bucketStart));
    const lo = r.spanMs !== null ? now - r.spanMs : (asked.from ?? Math.min(now - step, ...starts));
    const hi = r.spanMs !== null ? now : (asked.to ?? Math.max(now, ...starts.map((s) => s + step)));
    return [lo / 1000, hi / 1000];
  }

  private draw(now: number): void {
    const asked = this.asked ?? this.window(now);
    const { granularity } = asked;
    const step = STEP[granularity];
    this.drawnStep = Math.floor(now / step);
    const currency = this.range.currency;
    const [lo, hi] = this.axis(now);
    const rows = this.buckets.filter((b) => b.currency === currency);
    this.bucketNote.textContent = `${RANGES[this.range.range].label}, one point per ${granularity} (UTC)${currency ? `, ${currency}` : ''}`;
    this.tableBox.replaceChildren(
      table(
        `Succeeded volume per ${granularity} (${currency || 'no data'})`,
        ['Bucket start', 'Payments', 'Volume'],
        rows.map((b) => [time(b.bucketStart), count(b.count), amount(b.volume, b.currency)]),
        'volume-table',
        [1, 2],
      ),
    );
    // Every bucket of the axis, 0 where nothing succeeded: a quiet minute reads as 0, not as a line across it.
    const x = bucketTimes(lo * 1000, hi * 1000, step);
    const byStart = new Map(rows.map((b) => [Date.parse(b.bucketStart) / 1000, major(b.volume, currency)]));
    const withDate = hi - lo > DAY / 1000;
    this.chart.draw(
      x,
      [
        {
          label: `Volume (${currency || '—'})`,
          stroke: '#2563eb',
          fill: 'rgba(37,99,235,0.12)',
          value: (v) => `${currency} ${v.toLocaleString('en-US')}`,
        },
      ],
      [x.map((t) => byStart.get(t) ?? 0)],
      [lo, hi],
    );
    this.chart.box.dataset.points = String(x.length);
    this.chart.box.dataset.granularity = granularity;
    this.chart.box.title = rows.length ? `${clock(rows[0].bucketStart, withDate)} – ${clock(rows.at(-1)!.bucketStart, withDate)}` : '';
  }
}
