import { h, section } from '../dom';
import { count, ms, percent } from '../format';
import { projectionCondition } from '../freshness';
import type { Health, ProjectionState } from '../types';

function card(provider: string, health: Health): HTMLElement {
  const m = health.metrics;
  return h(
    'article',
    { class: `card health-${health.status}`, 'data-testid': `health-${provider}`, 'data-status': health.status },
    h('h3', {}, provider, ' ', h('span', { class: 'badge', 'data-testid': `health-${provider}-status` }, health.status)),
    h(
      'p',
      { class: 'muted' },
      `Last ${m.windowMinutes ?? '?'} min: ${count(m.succeeded ?? 0)} succeeded, ${count(m.failed ?? 0)} failed, ` +
        `failure ${percent(m.failureRate ?? 0)}, avg ${ms(m.averageProcessingTimeMs ?? null)}`,
    ),
    health.issues.length
      ? h(
          'ul',
          { class: 'issues' },
          health.issues.map((i) => h('li', {}, i)),
        )
      : h('p', { class: 'muted' }, 'No issues'),
  );
}

const CONDITION_CLASS = { current: 'healthy', lagging: 'degraded', stalled: 'unhealthy' } as const;

/**
 * One card per projection: red while the API judges it stalled (its checkpoint has not moved for
 * PROJECTION_STALL_AFTER while events wait), with how long and how many; amber while it lags.
 */
function projectionCard(p: ProjectionState): HTMLElement {
  const condition = projectionCondition(p);
  const behind = `${count(p.lag.positionsBehind)}${p.lag.capped ? '+' : ''}`;
  const holder = p.stall.horizon?.holder;
  const horizon = p.stall.horizon
    ? `; the read horizon is held by ${holder ? `pid ${holder.pid} (${holder.application || 'no application_name'})` : 'a session'} for ${Math.round(p.stall.horizon.ageSeconds)} s`
    : '';
  return h(
    'article',
    { class: `card projection health-${CONDITION_CLASS[condition]}`, 'data-testid': `projection-${p.name}`, 'data-status': condition },
    h('h3', {}, p.name, ' ', h('span', { class: 'badge', 'data-testid': `projection-${p.name}-status` }, condition)),
    condition === 'stalled'
      ? h(
          'p',
          { class: 'stall', 'data-testid': `projection-${p.name}-stall` },
          `Stalled for ${Math.round(p.stall.waitedSeconds)} s: ${count(p.stall.eventsWaiting)}${p.stall.capped ? '+' : ''} events waiting, checkpoint not moving${horizon}`,
        )
      : null,
    h('p', { class: 'muted' }, `${behind} events behind, ${p.lag.secondsBehind} s lag, checkpoint moved ${p.checkpointAgeSeconds} s ago`),
  );
}

/** Providers side by side, with the projections they are read from: a stale projection is shown red, never hidden. */
export function renderHealth(byProvider: [string, Health][], projections: ProjectionState[]): HTMLElement {
  return section(
    'health',
    'Health: providers and projections',
    h(
      'div',
      { class: 'cards' },
      byProvider.map(([p, health]) => card(p, health)),
      projections.map(projectionCard),
    ),
  );
}
