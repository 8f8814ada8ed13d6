import { h, section } from '../dom';
import { time } from '../format';
import type { Alert } from '../types';

/** Open alerts; an admin key gets an Acknowledge button per alert. */
export function renderAlerts(alerts: Alert[], canAcknowledge: boolean, acknowledge: (id: string) => void): HTMLElement {
  const body =
    alerts.length === 0
      ? h('p', { class: 'empty', 'data-testid': 'alerts-empty' }, 'No open alerts')
      : h(
          'ul',
          { class: 'alerts', 'data-testid': 'alerts' },
          alerts.map((a) =>
            h(
              'li',
              { class: `alert sev-${a.severity}`, 'data-alert-id': a.id },
              h('span', { class: 'badge' }, a.severity),
              h('span', { class: 'alert-title' }, a.title),
              h('span', { class: 'muted' }, `${a.rule}${a.provider ? ` · ${a.provider}` : ''} · ${time(a.raisedAt)}`),
              canAcknowledge
                ? h('button', { type: 'button', 'data-acknowledge': a.id, onclick: () => acknowledge(a.id) }, 'Acknowledge')
                : null,
            ),
          ),
        );
  return section(
    'alerts',
    'Open alerts',
    canAcknowledge ? null : h('p', { class: 'muted' }, 'Sign in with an admin key to acknowledge.'),
    body,
  );
}
