import { CURRENCIES } from '../../../../libs/payments-domain/src/money';
import type { Api } from './api';
import { h } from './dom';
import { renderAlerts } from './render/alerts';
import { renderHealth } from './render/health';
import { renderBreakdown, renderErrors, renderEvents, renderFailed } from './render/lists';
import { renderMetrics } from './render/metrics';
import { VolumePanel } from './render/volume';
import { PROVIDERS, type Alert, type Dashboard, type Health, type ProjectionState, type VolumeBucket } from './types';

export interface Filter {
  provider: string;
  currency: string;
}

/**
 * Everything below the header. A refresh fetches every part, then swaps the
 * panels in one go; refreshes never overlap (one more runs if asked meanwhile).
 */
export class Board {
  private readonly filter: Filter = { provider: '', currency: '' };
  private readonly slots: Record<'alerts' | 'health' | 'metrics' | 'breakdown' | 'errors' | 'failed' | 'events', HTMLElement>;
  private readonly volume: VolumePanel;
  private readonly updated = h('p', { class: 'muted', id: 'updated', 'data-testid': 'updated' });
  private shownAlerts = '';
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly api: Api, container: HTMLElement, private readonly admin: boolean, private readonly onError: (e: unknown) => void) {
    const slot = () => h('div', { class: 'slot' });
    this.slots = { alerts: slot(), health: slot(), metrics: slot(), breakdown: slot(), errors: slot(), failed: slot(), events: slot() };
    this.volume = new VolumePanel({ granularity: 'day', from: '', to: '', currency: '' }, () => this.refresh());
    container.replaceChildren(
      this.filterBar(),
      this.updated,
      h('div', { class: 'grid' },
        this.slots.alerts, this.slots.health, this.slots.metrics, this.volume.element,
        this.slots.breakdown, this.slots.errors, this.slots.failed, this.slots.events),
    );
    this.refresh();
  }

  refresh(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.load()
      .catch((e: unknown) => this.onError(e))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  refreshAlerts(): void {
    void this.loadAlerts().catch((e: unknown) => this.onError(e));
  }

  private async load(): Promise<void> {
    const filter = { provider: this.filter.provider || undefined, currency: this.filter.currency || undefined };
    const [dashboard, volume, projections, ...health] = await Promise.all([
      this.api.get<Dashboard>('/v1/dashboard/payments', filter),
      this.api.get<VolumeBucket[]>('/v1/dashboard/volume', { ...filter, ...this.volume.query() }),
      this.api.get<ProjectionState[]>('/v1/dashboard/projections'),
      ...PROVIDERS.map((provider) => this.api.get<Health>('/v1/dashboard/health', { provider })),
      this.loadAlerts(),
    ]);
    const d = dashboard.body;
    this.slots.metrics.replaceChildren(renderMetrics(d.metrics));
    this.slots.breakdown.replaceChildren(renderBreakdown(d.breakdown));
    this.slots.errors.replaceChildren(renderErrors(d.errors));
    this.slots.failed.replaceChildren(renderFailed(d.failedPayments));
    this.slots.events.replaceChildren(renderEvents(d.recentEvents));
    this.slots.health.replaceChildren(renderHealth(PROVIDERS.map((p, i) => [p, (health[i] as { body: Health }).body]), projections.body));
    this.volume.update(volume.body);
    const lag = dashboard.headers.get('x-projection-lag-positions') ?? '0';
    this.updated.textContent = `Updated ${new Date().toLocaleTimeString()} · projection lag ${lag} events`;
  }

  private async loadAlerts(): Promise<void> {
    const { body } = await this.api.get<{ alerts: Alert[] }>('/v1/alerts', { status: 'open' });
    // Unchanged: leave the buttons alone, so keyboard focus and a half-done click survive the poll.
    const shown = JSON.stringify(body.alerts.map((a) => a.id));
    if (shown === this.shownAlerts) return;
    this.shownAlerts = shown;
    const focused = document.activeElement?.getAttribute('data-acknowledge');
    this.slots.alerts.replaceChildren(renderAlerts(body.alerts, this.admin, (id) => void this.acknowledge(id)));
    if (focused) (this.slots.alerts.querySelector(`[data-acknowledge="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
  }

  private async acknowledge(id: string): Promise<void> {
    try {
      await this.api.post(`/v1/alerts/${encodeURIComponent(id)}/acknowledge`);
    } catch (e) {
      this.onError(e);
    }
    await this.loadAlerts().catch((e: unknown) => this.onError(e));
  }

  private filterBar(): HTMLElement {
    const select = (id: string, label: string, options: readonly string[], key: keyof Filter) => {
      const el = h('select', { id }, h('option', { value: '' }, 'All'), options.map((o) => h('option', { value: o }, o))) as HTMLSelectElement;
      el.addEventListener('change', () => {
        this.filter[key] = el.value;
        this.refresh();
      });
      return [h('label', { for: id }, label), el];
    };
    return h('form', { class: 'filters', 'aria-label': 'Filters', onsubmit: (e: Event) => e.preventDefault() },
      select('filter-provider', 'Provider', PROVIDERS, 'provider'),
      select('filter-currency', 'Currency', [...CURRENCIES].sort(), 'currency'));
  }
}
