import { ApiError, type Api } from './api';
import { h } from './dom';
import { ActivityPanel } from './render/activity';
import { BooksPanel } from './render/books';
import { renderAlerts } from './render/alerts';
import { renderFraudVelocity, type FraudVelocity } from './render/fraud-velocity';
import { renderHealth } from './render/health';
import { renderBreakdown, renderErrors, renderEvents, renderFailed } from './render/lists';
import { renderMetrics } from './render/metrics';
import { ReconciliationPanel } from './render/reconciliation';
import { VolumePanel } from './render/volume';
import type { ReadOutcome } from './freshness';
import { PROVIDERS, type ActivityMinute, type Alert, type BoardState, type Dashboard, type VolumeBucket } from './types';

/**
 * How soon another live refresh may start, by what is left of the key's `api`
 * rate limit (X-RateLimit-Remaining of X-RateLimit-Limit): quick while plenty
 * is left, slower as it runs down, so a tab watching a busy ledger (two to
 * four requests a refresh) slows itself down instead of being refused.
 */
function refreshInterval(headers: Headers): number {
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  if (!limit || Number.isNaN(remaining)) return 500;
  if (remaining > limit / 2) return 500;
  return remaining > limit / 5 ? 2_000 : 6_000;
}
const RATE_LIMITED_RETRY_MS = 5_000;

export interface Filter {
  provider: string;
  currency: string;
}

/**
 * Everything below the header. A refresh fetches every part, then swaps the
 * panels in one go; refreshes never overlap (one more runs if asked meanwhile).
 * A quiet re-read (no change notification for a while) fetches the board and
 * the payments only, and the volume and the per-minute activity too when the
 * event store's head moved. The charts' axes slide with the clock meanwhile.
 * Every read's outcome goes to `onRead`: the header's freshness indicator.
 */
export class Board {
  private readonly filter: Filter = { provider: '', currency: '' };
  private readonly slots: Record<'alerts' | 'health' | 'metrics' | 'breakdown' | 'errors' | 'failed' | 'events' | 'fraud', HTMLElement>;
  private readonly volume: VolumePanel;
  private readonly activity: ActivityPanel;
  private readonly books: BooksPanel;
  private readonly reconciliation: ReconciliationPanel;
  private readonly currencySelect: HTMLSelectElement;
  private readonly updated = h('p', { class: 'muted', id: 'updated', 'data-testid': 'updated' });
  private shownAlerts = '';
  private running: Promise<void> | undefined;
  private again = false;
  private lastStart = 0;
  private minInterval = 500;
  private trailing: number | undefined;
  private disposed = false;
  /** The next load fetches the volume whatever the head says (a change notification, a control changed). */
  private full = true;
  /** X-Event-Store-Head when the shown volume was read. */
  private volumeHead: string | null | undefined;
  private lastOkAt: number | null = null;

  constructor(
    private readonly api: Api,
    container: HTMLElement,
    private readonly admin: boolean,
    private readonly onError: (e: unknown) => void,
    private readonly onRead: (outcome: ReadOutcome) => void = () => undefined,
    canReadBooks = false,
  ) {
    const slot = () => h('div', { class: 'slot' });
    this.slots = {
      alerts: slot(),
      health: slot(),
      metrics: slot(),
      breakdown: slot(),
      errors: slot(),
      failed: slot(),
      events: slot(),
      fraud: slot(),
    };
    this.volume = new VolumePanel({ range: 'hour', from: '', to: '', currency: '' }, () => this.refresh());
    this.activity = new ActivityPanel('hour', () => this.refresh());
    this.books = new BooksPanel(api, canReadBooks);
    this.reconciliation = new ReconciliationPanel(api, canReadBooks);
    this.currencySelect = h('select', { id: 'filter-currency' }, h('option', { value: '' }, 'All')) as HTMLSelectElement;
    container.replaceChildren(
      this.filterBar(),
      this.updated,
      h(
        'div',
        { class: 'grid' },
        this.slots.alerts,
        this.slots.health,
        this.slots.metrics,
        this.volume.element,
        this.activity.element,
        this.slots.breakdown,
        this.slots.errors,
        this.slots.failed,
        this.slots.fraud,
        this.books.element,
        this.reconciliation.element,
        this.slots.events,
      ),
    );
    this.refresh();
  }

  /** The clock moved (once a second): the charts' relative ranges slide with it. */
  tick(): void {
    if (this.disposed) return;
    const now = Date.now();
    this.volume.tick(now);
    this.activity.tick(now);
  }

  /** Signed out: no timer of this board may fetch again with its key. */
  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.trailing);
  }

  /** Everything, now or as soon as the rate allows. */
  refresh(): void {
    if (!this.disposed) {
      this.books.refresh();
      this.reconciliation.refresh();
    }
    this.full = true;
    this.request();
  }

  /** No change notification and no read for `quietMs`: read the board and the payments again (freshness). */
  refreshIfQuiet(quietMs: number): void {
    if (this.disposed || this.running || this.trailing !== undefined || Date.now() - this.lastStart < quietMs) return;
    this.request();
  }

  private request(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + this.minInterval - Date.now();
    if (wait > 0) {
      this.trailing ??= window.setTimeout(() => {
        this.trailing = undefined;
        this.request();
      }, wait);
      return;
    }
    this.lastStart = Date.now();
    this.running = this.load()
      .catch((e: unknown) => this.failed(e))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
  }

  private failed(error: unknown): void {
    if (error instanceof ApiError && error.status === 429) {
      this.updated.textContent = 'Rate limited by the API; retrying in a few seconds.';
      window.setTimeout(() => this.refresh(), RATE_LIMITED_RETRY_MS);
      return;
    }
    if (!(error instanceof ApiError && (error.status === 401 || error.status === 403))) {
      this.updated.textContent = `Could not refresh (${error instanceof Error ? error.message : 'network error'}); showing the last numbers.`;
      if (!this.disposed)
        this.onRead({ ok: false, at: Date.now(), status: error instanceof ApiError ? error.status : null, lastOkAt: this.lastOkAt });
      this.full = true; // what failed is read again in full
    }
    this.onError(error);
  }

  private async load(): Promise<void> {
    const filter = { provider: this.filter.provider || undefined, currency: this.filter.currency || undefined };
    const full = this.full;
    this.full = false;
    const seriesOf = () =>
      Promise.all([
        this.api.get<VolumeBucket[]>('/v1/dashboard/volume', { ...filter, ...this.volume.query() }),
        this.api.get<ActivityMinute[]>('/v1/dashboard/activity', { provider: filter.provider, ...this.activity.query() }),
        this.api.get<FraudVelocity>('/v1/dashboard/fraud-velocity'),
      ]);
    const [dashboard, board, fullSeries] = await Promise.all([
      this.api.get<Dashboard>('/v1/dashboard/payments', filter),
      this.api.get<BoardState>('/v1/dashboard/board'),
      full ? seriesOf() : undefined,
    ]);
    // A quiet re-read found the store moved without telling us (a lost notification): the series moved too.
    const head = dashboard.headers.get('x-event-store-head');
    const series = fullSeries ?? (head !== this.volumeHead ? await seriesOf() : undefined);
    if (series) this.volumeHead = head;
    if (this.disposed) return;
    this.minInterval = refreshInterval(board.headers);
    const d = dashboard.body;
    this.slots.metrics.replaceChildren(renderMetrics(d.metrics));
    this.slots.breakdown.replaceChildren(renderBreakdown(d.breakdown));
    this.slots.errors.replaceChildren(renderErrors(d.errors));
    this.slots.failed.replaceChildren(renderFailed(d.failedPayments));
    this.slots.events.replaceChildren(renderEvents(d.recentEvents));
    this.slots.health.replaceChildren(
      renderHealth(
        PROVIDERS.map((p) => [p, board.body.health[p]]),
        board.body.projections,
      ),
    );
    this.showAlerts(board.body.openAlerts);
    this.showCurrencies(board.body.currencies ?? []);
    if (series) {
      this.volume.update(series[0].body);
      this.activity.update(series[1].body);
      this.slots.fraud.replaceChildren(renderFraudVelocity(series[2].body));
    }
    const lag = dashboard.headers.get('x-projection-lag-positions') ?? '0';
    this.updated.textContent = `Updated ${new Date().toLocaleTimeString()} · projection lag ${lag} events`;
    this.lastOkAt = Date.now();
    this.onRead({ ok: true, at: this.lastOkAt, projections: board.body.projections });
  }

  private showAlerts(alerts: Alert[]): void {
    // Unchanged: leave the buttons alone, so keyboard focus and a half-done click survive the poll.
    const shown = JSON.stringify(alerts.map((a) => a.id));
    if (shown === this.shownAlerts) return;
    this.shownAlerts = shown;
    const focused = document.activeElement?.getAttribute('data-acknowledge');
    this.slots.alerts.replaceChildren(renderAlerts(alerts, this.admin, (id) => void this.acknowledge(id)));
    if (focused) this.slots.alerts.querySelector<HTMLElement>(`[data-acknowledge="${CSS.escape(focused)}"]`)?.focus();
  }

  /** The currency filter lists the currencies in use (and the one picked), not every ISO 4217 code. */
  private showCurrencies(currencies: string[]): void {
    const wanted = ['', ...new Set([...currencies, ...(this.filter.currency ? [this.filter.currency] : [])])].sort();
    const shown = [...this.currencySelect.options].map((o) => o.value);
    if (JSON.stringify(shown) === JSON.stringify(wanted)) return;
    this.currencySelect.replaceChildren(...wanted.map((c) => h('option', { value: c }, c || 'All')));
    this.currencySelect.value = this.filter.currency;
  }

  private async acknowledge(id: string): Promise<void> {
    try {
      await this.api.post(`/v1/alerts/${encodeURIComponent(id)}/acknowledge`);
      const { body } = await this.api.get<{ alerts: Alert[] }>('/v1/alerts', { status: 'open' });
      this.showAlerts(body.alerts);
    } catch (e) {
      this.failed(e);
    }
  }

  private filterBar(): HTMLElement {
    const bind = (el: HTMLSelectElement, label: string, key: keyof Filter) => {
      el.addEventListener('change', () => {
        this.filter[key] = el.value;
        this.refresh();
      });
      return [h('label', { for: el.id }, label), el];
    };
    const provider = h(
      'select',
      { id: 'filter-provider' },
      h('option', { value: '' }, 'All'),
      PROVIDERS.map((o) => h('option', { value: o }, o)),
    ) as HTMLSelectElement;
    return h(
      'form',
      { class: 'filters', 'aria-label': 'Filters', onsubmit: (e: Event) => e.preventDefault() },
      bind(provider, 'Provider', 'provider'),
      bind(this.currencySelect, 'Currency', 'currency'),
    );
  }
}
