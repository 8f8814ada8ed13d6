import { h, section } from '../dom';
import { count, ms, percent } from '../format';
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

function projectionCard(projections: ProjectionState[]): HTMLElement {
  return h(
    'article',
    { class: 'card', 'data-testid': 'projections' },
    h('h3', {}, 'Projections'),
    h(
      'ul',
      { class: 'issues plain' },
      projections.map((p) =>
        h(
          'li',
          {},
          h('strong', {}, p.name),
          `: ${count(p.lag.positionsBehind)}${p.lag.capped ? '+' : ''} events behind, ` +
            `${p.lag.secondsBehind} s lag, last commit ${p.horizonAgeSeconds} s ago (horizon age)`,
        ),
      ),
    ),
  );
}

/** Providers side by side, with the projections they are read from: a stale projection is shown, never hidden. */
export function renderHealth(byProvider: [string, Health][], projections: ProjectionState[]): HTMLElement {
  return section(
    'health',
    'Provider health',
    h(
      'div',
      { class: 'cards' },
      byProvider.map(([p, health]) => card(p, health)),
      projectionCard(projections),
    ),
  );
}
