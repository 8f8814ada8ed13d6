import uPlot from 'uplot';
import { h } from '../dom';

export interface ChartSeries {
  readonly label: string;
  readonly stroke: string;
  readonly fill?: string;
  /** How a value reads in the legend (e.g. `USD 19.99`, `97.50 %`). */
  readonly value: (v: number) => string;
}

/**
 * One uPlot time series chart in `box`, redrawn whole on new data (cheap at these sizes) and resized with its
 * box. The x axis is the range asked for, not the data's extent: an hour of traffic on a 24-hour axis shows as
 * what it is. The chart is decorative for assistive technology (its numbers are in a table beside it).
 */
export class TimeChart {
  private plot: uPlot | undefined;
  private range: [number, number] = [0, 0];

  constructor(
    readonly box: HTMLElement,
    private readonly height = 220,
  ) {
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(box);
  }

  /** `x` in seconds; one array of values per series (null: no value there, a gap). */
  draw(x: number[], series: readonly ChartSeries[], values: (number | null)[][], range: [number, number], yRange?: [number, number]): void {
    this.range = range;
    this.plot?.destroy();
    this.box.replaceChildren();
    const data = [x, ...values] as uPlot.AlignedData;
    this.plot = new uPlot(
      {
        ...this.size(),
        // The axis in UTC, like every time on the page (and the buckets themselves).
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        series: [
          { value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' ')) },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            fill: s.fill,
            width: 2,
            spanGaps: false,
            points: { show: x.length <= 120, size: 5 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : s.value(v)),
          })),
        ],
        axes: [{}, { size: 70 }],
        scales: {
          x: { time: true, auto: false, range: (): uPlot.Range.MinMax => this.range },
          y: yRange
            ? { auto: false, range: (): uPlot.Range.MinMax => yRange }
            : { auto: true, range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        },
        legend: { show: true },
      },
      data,
      this.box,
    );
    this.box.dataset.axisEnd = String(Math.round(range[1]));
  }

  /** Moves the x axis (a sliding "last hour" window) without new data. */
  slide(range: [number, number]): void {
    this.range = range;
    this.plot?.setScale('x', { min: range[0], max: range[1] });
    this.box.dataset.axisEnd = String(Math.round(range[1]));
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(240, this.box.clientWidth || 600), height: this.height };
  }
}

/** A chart's box: hidden from assistive technology, which reads the table instead. */
export function chartBox(testId: string): HTMLElement {
  return h('div', { class: 'chart', 'aria-hidden': 'true', 'data-testid': testId });
}

/** Bucket starts (seconds) from `from` to `to` (ms), `stepMs` apart, aligned to the step in UTC. */
export function bucketTimes(from: number, to: number, stepMs: number, max = 5_000): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / stepMs) * stepMs; t <= to && out.length < max; t += stepMs) out.push(t / 1000);
  return out;
}
